from __future__ import annotations

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
