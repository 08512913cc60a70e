"""Messages for chat tools: one `ChatMessage`, rendered as Slack blocks or a Teams
Adaptive Card (Teams' Workflows webhooks take the card inside a message attachment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChatMessage:
    title: str
    text: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    link_label: str = ""
    link_url: str = ""


def slack_payload(message: ChatMessage) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": message.text[:3000]}},
    ]
    if message.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{label}*\n{value}"}
                    for label, value in message.facts[:10]
                ],
            }
        )
    if message.link_url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_label or "Open"},
                        "url": message.link_url,
                    }
                ],
            }
        )
    # `text` is the fallback shown in notifications and by clients without blocks.
    return {"text": f"{message.title}: {message.text}"[:3000], "blocks": blocks}


def teams_payload(message: ChatMessage) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium"},
        {"type": "TextBlock", "text": message.text, "wrap": True},
    ]
    if message.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in message.facts],
            }
        )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.link_url:
        card["actions"] = [
            {
                "type": "Action.OpenUrl",
                "title": message.link_label or "Open",
                "url": message.link_url,
            }
        ]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def payload_for(kind: str, message: ChatMessage) -> dict[str, Any]:
    return slack_payload(message) if kind == "slack" else teams_payload(message)
