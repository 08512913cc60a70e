"""Page-number pagination with bounded inputs.

ninja's `PageNumberPagination` accepts any page number: a page like 10**17 overflows the
SQL OFFSET (SQLite answers "datatype mismatch", a 500). Bounding the page and the page size
turns such requests into a documented 422. Every paginated endpoint uses it.
"""

from __future__ import annotations

from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import Field

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 50, **kwargs: object) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
