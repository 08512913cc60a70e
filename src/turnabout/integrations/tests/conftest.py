from __future__ import annotations

from typing import Any

import pytest

from turnabout.integrations.tests.receiver import receiver
from turnabout.programs.models import Program

__all__ = ["receiver"]


@pytest.fixture
def program(db: None) -> Any:

    return Program.objects.create(name="Reverse mentoring 2027", purpose="Learn both ways.")
