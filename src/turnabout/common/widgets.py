"""Form widgets shared by every app.

`Picker` and `MultiPicker` are the native select and multi-select, marked for
`static/turnabout/pickers.js`, which turns them into a searchable picker (Tom Select: type
to filter, arrows and Enter to pick). Without JavaScript they are the plain selects, so
every form keeps working; the texts the picker shows are translated here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise


def picker_attrs(placeholder: StrOrPromise | None = None, **extra: Any) -> dict[str, Any]:
    """The data attributes `pickers.js` reads (rendered in the user's language)."""
    return {
        "data-picker": "",
        "data-picker-placeholder": placeholder or _("Type to search…"),
        "data-picker-empty": _("Nothing matches."),
        "data-picker-remove": _("Remove"),
        **extra,
    }


class _PickerMixin:
    """Translate the picker's texts at render time, in the request's language."""

    placeholder: StrOrPromise | None = None
    attrs: dict[str, Any]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**picker_attrs(self.placeholder), **(attrs or {})}
        return super().get_context(name, value, attrs)  # type: ignore[misc,no-any-return]


class Picker(_PickerMixin, forms.Select):
    """A single select that becomes searchable."""

    def __init__(
        self, attrs: dict[str, Any] | None = None, placeholder: StrOrPromise | None = None
    ) -> None:
        super().__init__(attrs)
        self.placeholder = placeholder


class MultiPicker(_PickerMixin, forms.SelectMultiple):
    """A multi-select that becomes searchable, its choices shown as removable chips."""

    def __init__(
        self, attrs: dict[str, Any] | None = None, placeholder: StrOrPromise | None = None
    ) -> None:
        super().__init__({"size": 6, **(attrs or {})})
        self.placeholder = placeholder
