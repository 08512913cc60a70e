from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from turnabout.accounts import scopes
from turnabout.accounts.models import ApiToken, Role, ServiceAccount
from turnabout.common.notifications import Channel, NotificationKind, is_mandatory

ME = "me"


class IntegrationCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Integration name"),
        max_length=ServiceAccount.NAME_MAX,
        help_text=_("E.g. 'Workday nightly sync'. It gets its own account; tokens act as it."),
    )
    role = forms.ChoiceField(
        label=_("Role of its account"),
        choices=Role.choices,
        initial=Role.ORG_ADMIN,
        help_text=_("What the integration may do; a token's scope can narrow it further."),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken.NAME_MAX,
        help_text=_("What the token is for, e.g. 'Workday nightly sync'."),
    )
    acts_as = forms.ChoiceField(
        label=_("Acts as"),
        help_text=_("An integration's account, or yourself. Never another person."),
    )
    scope = forms.MultipleChoiceField(
        label=_("Scopes"),
        initial=["read"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A preset, or the scopes one by one; each API operation needs one."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=ApiToken.DAYS_MAX,
        initial=ApiToken.DAYS_DEFAULT,
    )

    def __init__(self, *args: Any, integrations: list[ServiceAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [
            (str(account.pk), str(account.name)) for account in integrations
        ]
        choices.append((ME, str(_("Myself (a personal token)"))))
        self.fields["acts_as"].choices = choices  # type: ignore[attr-defined]
        self.fields["scope"].choices = [  # type: ignore[attr-defined]
            *(
                (p.name, str(_("Preset: %(label)s") % {"label": p.label}))
                for p in scopes.PRESETS.values()
            ),
            *scopes.scope_choices(),
        ]


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


class NotificationsForm(forms.Form):
    """Email or none for each kind of notification; mandatory kinds are shown, fixed."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, channel in current.items():
            mandatory = is_mandatory(kind)
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label,
                choices=Channel.choices,
                initial=channel,
                widget=forms.RadioSelect,
                disabled=mandatory,
                help_text=_("Always sent: you need these to sign in.") if mandatory else "",
            )
