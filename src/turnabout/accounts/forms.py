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


class OidcProviderForm(forms.Form):
    name = forms.CharField(label=_("Button label"), max_length=40, initial="Company login")
    slug = forms.SlugField(
        label=_("Short name"), max_length=41, help_text=_("Part of the sign-in address.")
    )
    server_url = forms.URLField(
        label=_("Issuer URL"),
        help_text=_("Where /.well-known/openid-configuration lives, e.g. your Okta or Entra ID."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored for the sign-in; never shown again."),
    )


class SamlProviderForm(forms.Form):
    name = forms.CharField(label=_("Button label"), max_length=40, initial="Company login")
    slug = forms.SlugField(label=_("Short name"), max_length=41)
    entity_id = forms.CharField(label=_("IdP entity ID"), max_length=500)
    sso_url = forms.URLField(label=_("IdP single sign-on URL"))
    x509cert = forms.CharField(
        label=_("IdP signing certificate (PEM)"), widget=forms.Textarea(attrs={"rows": 6})
    )


class SsoPolicyForm(forms.Form):
    sso_only = forms.BooleanField(
        label=_("Single sign-on only"),
        required=False,
        help_text=_("Password sign-in and password resets stop, except for the admin below."),
    )
    break_glass_user = forms.ModelChoiceField(
        label=_("Break-glass admin"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("An org admin who keeps a password for when the identity provider fails."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from turnabout.accounts.models import Role

        field = self.fields["break_glass_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, role_assignments__role=Role.ORG_ADMIN)
            .order_by("email")
        )


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label=_("Email of the account"))
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from turnabout.accounts.models import Role

        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = Role.choices

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if not get_user_model().objects.filter(email__iexact=email, is_active=True).exists():
            raise forms.ValidationError(
                _("No active account has this email: invite the person from their page first.")
            )
        return email
