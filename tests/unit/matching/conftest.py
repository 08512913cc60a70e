"""Shared builders for the matching tests (no database, no Django settings needed)."""

from __future__ import annotations

import random

from turnabout.matching import Mentee, Mentor

TOPICS = ["ai tools", "tiktok", "excel", "podcasts", "python", "figma"]
SLOTS = ["mon-am", "mon-pm", "tue-am", "wed-pm", "fri-am"]
DEPTS = ["Eng", "Sales", "HR"]


def random_cohort(
    n_mentors: int, n_mentees: int, seed: int, *, max_capacity: int = 1
) -> tuple[list[Mentor], list[Mentee]]:
    """Small random cohorts with real conflicts: levels, managers, exclusions, ties."""
    rng = random.Random(seed)
    mentees = []
    for i in range(n_mentees):
        mentees.append(
            Mentee(
                id=f"e{i}",
                level=rng.randint(1, 6),
                department=rng.choice(DEPTS),
                manager_id=f"e{rng.randrange(i)}" if i and rng.random() < 0.5 else "",
                wants={t: rng.choice(["low", "medium", "high"]) for t in rng.sample(TOPICS, 2)},
                availability=rng.sample(SLOTS, rng.randint(0, 3)),
                exclude=[f"m{rng.randrange(n_mentors)}"]
                if n_mentors and rng.random() < 0.2
                else [],
                waiting_days=rng.randint(0, 3),
            )
        )
    mentors = []
    for i in range(n_mentors):
        mentors.append(
            Mentor(
                id=f"m{i}",
                level=rng.randint(0, 4),
                department=rng.choice(DEPTS),
                manager_id=f"e{rng.randrange(n_mentees)}"
                if n_mentees and rng.random() < 0.3
                else "",
                skills={t: rng.randint(1, 3) for t in rng.sample(TOPICS, rng.randint(0, 3))},
                availability=rng.sample(SLOTS, rng.randint(0, 3)),
                capacity=rng.randint(1, max_capacity),
            )
        )
    return mentors, mentees
