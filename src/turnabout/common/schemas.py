"""Building blocks of the API schemas shared by every router.

Text fields use `Text` (stripped, no NUL character: PostgreSQL refuses NUL and SQLite would
store it) with the limit the model defines, so the rule is written once:

    title: Annotated[Text, Field(max_length=PairGoal.TITLE_MAX)]

Choices use the model's `TextChoices` class directly (`status: PairGoal.Status`), never a
`Literal` copy of its values.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter
from pydantic import ValidationError as SchemaError

from turnabout.common.errors import ValidationFailed

#: No NUL character anywhere: the rule as a regular expression, so that the OpenAPI schema
#: states it and API fuzzers generate valid strings.
NO_NUL_PATTERN = r"^[^\x00]*$"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_no_nul),
    Field(json_schema_extra={"pattern": NO_NUL_PATTERN}),
]
"""A stripped string without NUL characters; give it a limit with `Field(max_length=...)`."""

_TEXT: TypeAdapter[str] = TypeAdapter(Text)


def clean_text(
    value: Any,
    *,
    field: str,
    max_length: int,
    required: bool = False,
    label: str | None = None,
) -> str:
    """A service's text argument under the same rule as the API's `Text` (stripped, no NUL
    character) and the model's limit; `ValidationFailed` at `field` otherwise. None counts
    as empty. `label` names the value in the message ("The reason is too long ..."); without
    it the message says "This", for a page that shows it at its field."""
    name = label or _("This")
    where = {"field": field}
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("%(name)s must be text.") % {"name": name}, details=where)
    try:
        text = _TEXT.validate_python(value)
    except SchemaError:
        raise ValidationFailed(
            _("%(name)s must not contain NUL characters.") % {"name": name}, details=where
        ) from None
    if required and not text:
        required_message = _("%(name)s is required.") % {"name": label} if label else None
        raise ValidationFailed(required_message or _("This field is required."), details=where)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(name)s is too long (at most %(n)d characters).") % {"name": name, "n": max_length},
            details=where,
        )
    return text


EMAIL_MAX = 254  # RFC 5321, and Django's EmailField
Email = Annotated[Text, Field(max_length=EMAIL_MAX)]


def text(max_length: int) -> Any:
    """Deprecated: write `Annotated[Text, Field(max_length=Model.LIMIT)]` instead, which mypy
    understands without an ignore and which names the model's limit."""
    return Annotated[Text, Field(max_length=max_length)]


class ErrorOut(Schema):
    """Every API error: a stable `code` to branch on (see docs/api.md), an English or
    translated `message` for people, and the values a client needs to act (`params`)."""

    code: str
    message: str
    params: dict[str, Any] | None = None
    details: Any = None


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
