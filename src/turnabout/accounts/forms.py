from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What the token is for, e.g. 'Workday nightly sync'."),
    )
    email = forms.EmailField(
        label=_("Acts as account"),
        help_text=_("The token has exactly this account's permissions."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if not get_user_model().objects.filter(username__iexact=email, is_active=True).exists():
            raise forms.ValidationError(_("No active account has this email."))
        return email


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=254)
    event = forms.ChoiceField(label=_("Event"), required=False)
    target = forms.CharField(label=_("Target"), required=False, max_length=255)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Mapping[str, Any] | None, *, events: list[str]) -> None:
        super().__init__(data)
        event_field = self.fields["event"]
        assert isinstance(event_field, forms.ChoiceField)
        event_field.choices = [("", _("Any event")), *[(e, e) for e in events]]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("'From' must be on or before 'To'."))
        return cleaned
