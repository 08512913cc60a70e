"""Logging filters."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is logged as one line: who was refused is worth a line, its
    traceback is noise (an audit once produced 960 of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
