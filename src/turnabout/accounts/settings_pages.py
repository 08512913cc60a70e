"""The org admin's settings hub: each app registers the pages it adds (apps above accounts
register theirs in `AppConfig.ready()`, so accounts links to them without importing them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SettingsSection:
    label: str | Promise
    url_name: str
    description: str | Promise
    order: int = 100


_sections: dict[str, SettingsSection] = {}


def register_settings_section(section: SettingsSection) -> None:
    _sections[section.url_name] = section


def settings_sections() -> list[SettingsSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, str(s.label)))
