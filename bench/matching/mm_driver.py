"""Run mentor-match 7.0.1 on our generated people with our rules (pure-Python rule objects).

Executed by ``bench/bench_matching.py`` inside mentor-match's own virtual environment
(it installs a top-level package named ``matching``), as:

    python mm_driver.py DATA_DIR RULES_JSON

It reads DATA_DIR/mentors.csv and DATA_DIR/mentees.csv with mentor-match's own reader,
scores every pair with Python rule objects that implement Turnabout's criteria and
constraints (the same formulas, written the way a mentor-match user writes rules), runs
``process.process_data`` (one round), and prints JSON: seconds and the chosen pairs.
This file must not import numpy or turnabout: mentor-match's environment has neither.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matching import process  # type: ignore[import-not-found]
from matching.mentee import Mentee  # type: ignore[import-not-found]
from matching.mentor import Mentor  # type: ignore[import-not-found]
from matching.rules import rule as rl  # type: ignore[import-not-found]

SCALE = 1_000_000
STOP_WORDS = (
    "a an and are as at be been being but by can could do for from get has have how i in "
    "into is it its me more my of on or our so than that the their them they this to up "
    "us want was we were what when which who will with would you your"
)
STOP = frozenset(STOP_WORDS.split())
PRIORITY = {"low": 1, "medium": 2, "high": 3}


def items(text: str) -> list[str]:
    return [" ".join(i.split()).casefold() for i in text.split(";") if i.strip()]


class Person:
    """Our extra columns, parsed once per person (mentor-match keeps only its own)."""

    def __init__(self, row: dict[str, str]) -> None:
        self.id = row["id"]
        self.level = int(row["grade"])
        self.department = row["department"].casefold()
        self.location = row["location"].casefold()
        self.generation = row["generation"].casefold()
        self.languages = set(items(row["languages"]))
        self.manager = row["manager_id"]
        self.interests = set(items(row["interests"]))
        self.formats = set(items(row["formats"]))
        self.slots = set(items(row["availability"]))
        self.ergs = set(items(row["ergs"]))
        self.exclude = set(items(row["exclude"]))
        self.goals = row["goals"]
        zone = row["timezone"]
        self.tz: tuple[float, float] | None = None
        if zone:
            info = zoneinfo.ZoneInfo(zone)
            offsets = [
                info.utcoffset(day).total_seconds() / 3600  # type: ignore[union-attr]
                # Wall-clock days: ZoneInfo.utcoffset reads them as local time in the zone.
                for day in (dt.datetime(2025, 1, 15, 12), dt.datetime(2025, 7, 15, 12))  # noqa: DTZ001
            ]
            self.tz = (offsets[0], offsets[1])
        self.skills: dict[str, float] = {}
        self.wants: dict[str, float] = {}
        for item in items(row.get("skills", "")):
            name, _, level = item.rpartition(":")
            self.skills[name] = int(level) / 3
        for item in items(row.get("wants", "")):
            name, _, priority = item.rpartition(":")
            self.wants[name] = PRIORITY[priority]
        total = sum(self.wants.values())
        self.wants = {k: v / total for k, v in self.wants.items()}
        self.chain: set[str] = set()
        self.tfidf: dict[str, float] = {}


class OurMentor(Mentor):  # type: ignore[misc]
    def __init__(self, **row: str) -> None:
        super().__init__(**row)
        self.data = Person(row)


class OurMentee(Mentee):  # type: ignore[misc]
    def __init__(self, **row: str) -> None:
        super().__init__(**row)
        self.data = Person(row)


def prepare(people: list[Person], rules: dict[str, Any]) -> None:
    managers = {p.id: p.manager for p in people if p.manager}
    for person in people:
        current, seen = managers.get(person.id, ""), {person.id}
        while current and current not in seen:
            person.chain.add(current)
            seen.add(current)
            current = managers.get(current, "")
    docs = [
        [w for w in re.findall(r"[^\W_]{2,}", p.goals.casefold()) if w not in STOP] for p in people
    ]
    df: dict[str, int] = {}
    for words in docs:
        for word in set(words):
            df[word] = df.get(word, 0) + 1
    n = len(docs)
    for person, words in zip(people, docs, strict=True):
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        vector = {
            w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        person.tfidf = {w: v / norm for w, v in vector.items()}


def cosine(a: set[str], b: set[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def make_rules(config: dict[str, Any]) -> list[Any]:
    weights: dict[str, float] = config["weights"]
    total_weight = sum(weights.values())
    target = config["target_level_gap"]
    diversity = {k: v for k, v in config["diversity"].items() if v != "ignore"}

    def timezone(e: Person, m: Person) -> float:
        if e.tz is None or m.tz is None:
            return 0.5
        d = max(min(abs(a - b), 24 - abs(a - b)) for a, b in zip(e.tz, m.tz, strict=True))
        return 1 - d / 12

    def diversity_score(e: Person, m: Person) -> float:
        parts = []
        for attribute, rule in diversity.items():
            a, b = getattr(e, attribute), getattr(m, attribute)
            if not a or not b:
                parts.append(0.5)
            else:
                parts.append(float((a == b) == (rule == "prefer_same")))
        return sum(parts) / len(parts) if parts else 0.0

    def language(e: Person, m: Person) -> float:
        if e.languages and m.languages:
            return float(bool(e.languages & m.languages))
        return 0.5

    criteria: dict[str, Callable[[Person, Person], float]] = {
        "skills": lambda e, m: sum(w * m.skills.get(t, 0.0) for t, w in e.wants.items()),
        "interests": lambda e, m: cosine(e.interests, m.interests),
        "goals": lambda e, m: sum(v * m.tfidf.get(w, 0.0) for w, v in e.tfidf.items()),
        "availability": lambda e, m: cosine(e.slots, m.slots),
        "timezone": timezone,
        "format": lambda e, m: cosine(e.formats, m.formats) if e.formats and m.formats else 1.0,
        "seniority": lambda e, m: 1 / (1 + abs(e.level - m.level - target)),
        "diversity": diversity_score,
        "affinity": lambda e, m: cosine(e.ergs, m.ergs),
        "language": language,
    }

    class Criterion(rl.Rule):  # type: ignore[misc]
        """One of our criteria as a mentor-match rule returning an integer score."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.function = criteria[name]
            self.share = weights[name] / total_weight

        def apply(self, match_object: Any) -> int:
            e, m = match_object.mentee.data, match_object.mentor.data
            return round(SCALE * self.share * self.function(e, m))

    gap = config["min_level_gap"]
    rules: list[Any] = [
        rl.Disqualify(lambda match: match.mentee.data.level - match.mentor.data.level < gap),
        rl.Disqualify(
            lambda match: (
                match.mentor.data.id in match.mentee.data.chain
                or match.mentee.data.id in match.mentor.data.chain
            )
        ),
        rl.Disqualify(
            lambda match: (
                match.mentor.data.id in match.mentee.data.exclude
                or match.mentee.data.id in match.mentor.data.exclude
            )
        ),
    ]
    rules.extend(Criterion(name) for name, weight in weights.items() if weight > 0)
    return rules


def main() -> None:
    data_dir = Path(sys.argv[1])
    config = json.loads(Path(sys.argv[2]).read_text())
    started = time.perf_counter()
    mentors = process.create_participant_list_from_path(OurMentor, data_dir)
    mentees = process.create_participant_list_from_path(OurMentee, data_dir)
    prepare([p.data for p in [*mentors, *mentees]], config)
    mentors, mentees = process.process_data(mentors, mentees, [make_rules(config)])
    seconds = time.perf_counter() - started
    pairs = [[m.data.id, e.data.id] for m in mentors for e in m.mentees]
    print(json.dumps({"seconds": seconds, "pairs": pairs}))


if __name__ == "__main__":
    main()
