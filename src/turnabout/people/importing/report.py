"""What an import reports: the errors by row and column, and the counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from turnabout.common.errors import ErrorCode, ValidationFailed


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. `row` is the spreadsheet row number (the header is row 1)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    total_rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[RowError]
    dry_run: bool
    # Terminated employees: access taken away (or, in a dry run, that would be).
    accounts_deactivated: int = 0
    tokens_revoked: int = 0
    mentorships_ended: int = 0
    # Employees back from terminated whose account stays deactivated until re-invited.
    reinvite_needed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        """One sentence for a person: what happened, or why nothing did."""
        rows = ngettext("%(count)d row", "%(count)d rows", self.total_rows) % {
            "count": self.total_rows
        }
        if self.errors:
            errors = ngettext("%(count)d error", "%(count)d errors", len(self.errors)) % {
                "count": len(self.errors)
            }
            return _("Checked %(rows)s and found %(errors)s; nothing was imported.") % {
                "rows": rows,
                "errors": errors,
            }
        counts = {
            "rows": rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "accounts": self.accounts_deactivated,
            "tokens": self.tokens_revoked,
            "pairs": self.mentorships_ended,
            "reinvite": self.reinvite_needed,
        }
        if self.dry_run:
            sentences = [
                _(
                    "Dry run: checked %(rows)s without errors; importing would create "
                    "%(created)d, update %(updated)d and leave %(unchanged)d unchanged."
                )
                % counts
            ]
            if self.accounts_deactivated or self.tokens_revoked or self.mentorships_ended:
                sentences.append(
                    _(
                        "For terminated employees it would deactivate %(accounts)d login "
                        "accounts, revoke %(tokens)d API tokens and end %(pairs)d mentorships."
                    )
                    % counts
                )
            if self.reinvite_needed:
                sentences.append(
                    _(
                        "%(reinvite)d employees would be back from terminated: their accounts "
                        "stay deactivated until an org admin re-invites them."
                    )
                    % counts
                )
            return " ".join(sentences)
        sentences = [
            _(
                "Imported %(rows)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % counts
        ]
        if self.accounts_deactivated or self.tokens_revoked or self.mentorships_ended:
            sentences.append(
                _(
                    "Terminated employees: %(accounts)d login accounts deactivated, %(tokens)d "
                    "API tokens revoked, %(pairs)d mentorships ended (their partners are "
                    "emailed and wait for a re-match)."
                )
                % counts
            )
        if self.reinvite_needed:
            sentences.append(
                _(
                    "%(reinvite)d employees are back from terminated: their accounts stay "
                    "deactivated until an org admin re-invites them from their profile page."
                )
                % counts
            )
        return " ".join(sentences)


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be read: wrong format, missing columns, empty, too big."""

    code = ErrorCode.IMPORT_FILE_INVALID

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("field", "file")  # a page shows it at the upload field
        super().__init__(message, **kwargs)
