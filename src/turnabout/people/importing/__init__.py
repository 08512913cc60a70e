"""Import employees from an HR system export (CSV or XLSX).

One service, `people_import`, used by the `turnabout import people` command, the upload
page and the API. Every row is checked before anything is written; if any row fails,
nothing is written and every error is reported with its row, column and reason. Otherwise
the file is applied in one transaction: upsert by employee id, managers in a second pass,
resource group memberships, and one audit record per created or changed person.

Employees in the database but absent from the file are left alone: a partial export must
never terminate anybody. A row that leaves somebody terminated takes away their access in
the same transaction: their login account is deactivated, their API tokens are revoked and
their live mentorships end (the partners are emailed after commit). Going back to active
does not reactivate the account: an org admin re-invites them. See docs/import.md for the
columns and rules.

A package with one module per stage: `read` (the file into rows of cells), `cells` (each
cell on its own), `checks` (across rows and against the database) and `apply` (the service,
its plan and the writes); `columns` and `report` hold what they share. The public names
are re-exported here.
"""

from turnabout.people.importing.apply import people_import
from turnabout.people.importing.columns import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_LEVEL,
    MAX_ROWS,
    MIN_LEVEL,
    REQUIRED_COLUMNS,
    Cell,
)
from turnabout.people.importing.report import ImportFileError, ImportReport, RowError

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_LEVEL",
    "MAX_ROWS",
    "MIN_LEVEL",
    "REQUIRED_COLUMNS",
    "Cell",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "people_import",
]
