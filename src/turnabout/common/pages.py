"""How a page runs a service: the one place where a domain error becomes something a person
sees. A refusal goes to the form field it names (or the top of the form), or, without a
form, into a flash message; a success may flash a message too. Views never catch
`DomainError` themselves.

A form page::

    outcome = attempt(request, lambda: services.cohort_create(...), form=form,
                      success=_("Cohort created."))
    if outcome.ok:
        return redirect(outcome.value)
    return render(...)          # the form now carries the error

A button (post/redirect/get)::

    return act(request, lambda: services.proposal_remove(...), success=_("Pair removed."),
               then=run)

Access errors that a lookup raises before the service runs (`NotFound`, `PermissionDenied`
from a selector) are left to `DomainErrorMiddleware`: they are 404 and 403 pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from turnabout.common.errors import DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `attempt` did: the service's result, or the error it refused with."""

    result: T | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> T:
        """The service's return value (only read it when `ok`)."""
        if self.error is not None:
            raise self.error
        return cast(T, self.result)


def error_field(exc: DomainError) -> str | None:
    """The form field a domain error belongs to, if it names one."""
    if exc.field:
        return exc.field
    if isinstance(exc.details, Mapping) and isinstance(exc.details.get("field"), str):
        return str(exc.details["field"])
    return None


def show_error(
    request: HttpRequest,
    exc: DomainError,
    *,
    form: BaseForm | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Attach `exc` to `form` (at its field when the form has it) or flash it."""
    if form is None:
        messages.error(request, exc.message)
        return
    field = error_field(exc)
    if field is not None and fields:
        field = fields.get(field, field)
    form.add_error(field if field in form.fields else None, exc.message)


def attempt(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    form: BaseForm | None = None,
    fields: Mapping[str, str] | None = None,
    show: bool = True,
) -> Outcome[T]:
    """Run `action` (a service call); show its refusal or flash `success`.

    `fields` renames the service's field names to the form's (`{"agreed_to_guidelines":
    "agreed"}`). `show=False` leaves the refusal to the caller (an htmx fragment that
    shows `outcome.error.message` in place).
    """
    try:
        result = action()
    except DomainError as exc:
        if show:
            show_error(request, exc, form=form, fields=fields)
        return Outcome(error=exc)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(result=result)


def act(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None = None,
    then: Any,
) -> HttpResponse:
    """`attempt` without a form, then redirect to `then` (a URL, a model or a response)."""
    attempt(request, action, success=success)
    if isinstance(then, HttpResponse):
        return then
    return redirect(then)
