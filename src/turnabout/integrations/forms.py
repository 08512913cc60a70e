from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.integrations.models import ChatChannel, ChatEvent, ChatKind, WebhookEndpoint
from turnabout.integrations.webhooks import EVENT_CHOICES
from turnabout.programs.models import Program


class ChatChannelForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    kind = forms.ChoiceField(label=_("Chat tool"), choices=ChatKind.choices)
    name = forms.CharField(label=_("Channel"), max_length=ChatChannel.NAME_MAX)
    webhook_url = forms.URLField(
        label=_("Incoming webhook URL"),
        max_length=ChatChannel.URL_MAX,
        help_text=_("Slack: an incoming webhook. Teams: a Workflows 'post to a channel' URL."),
    )
    events = forms.MultipleChoiceField(
        label=_("What to post"),
        choices=ChatEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ChatEvent.values),
    )

    def __init__(self, *args: object, programs: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs  # type: ignore[assignment]


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=WebhookEndpoint.NAME_MAX)
    url = forms.URLField(label=_("URL"), max_length=WebhookEndpoint.URL_MAX)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )
