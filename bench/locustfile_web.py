"""The load test of `bench_web.py`: each simulated user is one logged-in person (a session
cookie made by the bench) who opens one of their role's pages, thinks 2.5-7.5 s (mean 5 s),
and opens another. Run by bench_web.py; BENCH_SESSIONS names the JSON file of cookies."""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import HttpUser, between, task

_PEOPLE: dict[str, list[dict[str, Any]]] = json.loads(
    open(os.environ["BENCH_SESSIONS"], encoding="utf-8").read()  # noqa: SIM115
)
_NEXT = {role: itertools.cycle(people) for role, people in _PEOPLE.items()}


class _Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(2.5, 7.5)

    def on_start(self) -> None:
        person = next(_NEXT[self.role])
        self.pages: list[list[str]] = person["pages"]
        self.client.cookies.set("sessionid", person["cookie"])

    @task
    def open_a_page(self) -> None:
        label, url = random.choice(self.pages)
        with self.client.get(url, name=label, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")


class Manager(_Person):
    role = "manager"
    fixed_count = 10


class Participant(_Person):
    role = "participant"
    fixed_count = 35


class Sponsor(_Person):
    role = "sponsor"
    fixed_count = 5
