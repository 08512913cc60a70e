"""`/health/` for load balancers: 200 when the database and the task queue answer, else 503.

No login, no personal data, no detail beyond "ok" or the failing part's name.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _queue() -> None:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_rq.RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
    elif backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


@never_cache
@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (("database", _database), ("queue", _queue)):
        try:
            check()
            checks[name] = "ok"
        except Exception:  # any failure is "not healthy"; the log says why
            logger.exception("health check %s failed", name)
            checks[name] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
