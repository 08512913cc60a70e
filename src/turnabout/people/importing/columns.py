"""The columns of an HR export, their limits, and what a cell may hold."""

from __future__ import annotations

import re

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MIN_LEVEL, MAX_LEVEL = 1, 99

COLUMNS: tuple[str, ...] = (
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "title",
    "department",
    "location",
    "timezone",
    "level",
    "manager_employee_id",
    "hire_date",
    "status",
    "termination_date",
    "languages",
    "ergs",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("employee_id", "first_name", "last_name", "email", "level")

# Plain text columns and their longest accepted value (the model's max_length).
_TEXT_LIMITS: dict[str, int] = {
    "employee_id": 64,
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "title": 200,
    "department": 120,
    "location": 120,
}
_REQUIRED_TEXT = frozenset({"employee_id", "first_name", "last_name", "email"})
_MAX_LANGUAGE_LENGTH = 64
_MAX_ERG_LENGTH = 120
_MAX_CELL_LENGTH = 2000
_LIST_SEPARATOR = ";"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
_DELIMITERS = (",", ";", "\t")
_BATCH = 500

# Employee fields the import sets directly (the manager and resource groups have their own
# passes). Each maps from the column of the same name.
_DIRECT_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "title",
    "department",
    "location",
    "timezone",
    "level",
    "hire_date",
    "status",
    "termination_date",
    "languages",
)

Cell = object  # str from CSV; str, int, float, date, datetime, bool or None from XLSX
