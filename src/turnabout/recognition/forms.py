from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from turnabout.common.widgets import Picker
from turnabout.recognition.models import BadgeAward, Certificate, SuccessStory


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=SuccessStory.TITLE_MAX)
    body = forms.CharField(
        label=_("Our story"),
        max_length=SuccessStory.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Written together: what you did, what each of you learned. Both of you must agree "
            "before it is published; either can withdraw later."
        ),
    )


class RecognitionForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("Participant"), coerce=int, widget=Picker(placeholder=_("Type a name…"))
    )
    citation = forms.CharField(
        label=_("Citation"),
        max_length=BadgeAward.CITATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = people  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=Certificate.REASON_MAX)
