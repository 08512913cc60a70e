"""`open_surveys` for the participant hub, lazily: no query unless a template reads it.

The hub lives in a lower app (engagement, moving to `me/`), which must not import
feedback; the hub's template reads `open_surveys` instead. Once the hub sits in `me/`
(above feedback) it may call `feedback.selectors.open_surveys_for` directly.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def open_surveys(request: HttpRequest) -> dict[str, Any]:
    from turnabout.feedback.selectors import open_surveys_for

    return {"open_surveys": SimpleLazyObject(lambda: open_surveys_for(request.user))}
