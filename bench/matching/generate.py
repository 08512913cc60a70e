"""Generate realistic random cohorts for the matching benchmarks and tests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from turnabout.matching import Mentee, Mentor, OrgChart

TOPICS = [
    "ai tools",
    "tiktok",
    "instagram",
    "podcasts",
    "excel",
    "python",
    "data viz",
    "figma",
    "notion",
    "slack etiquette",
    "gen z culture",
    "remote work",
    "video editing",
    "linkedin",
    "prompting",
    "cybersecurity",
    "accessibility",
    "sustainability",
    "crypto",
    "gaming",
    "esports",
    "youtube",
    "streaming",
    "mobile apps",
    "no-code",
    "chatgpt",
    "mental health",
    "inclusion",
    "personal branding",
    "memes",
]
INTERESTS = [
    "running",
    "chess",
    "cooking",
    "music",
    "football",
    "hiking",
    "photography",
    "reading",
    "travel",
    "yoga",
    "cycling",
    "gardening",
    "film",
    "theatre",
    "painting",
    "climbing",
    "tennis",
    "board games",
    "volunteering",
    "languages",
    "swimming",
    "baking",
    "dance",
    "podcasts",
    "fashion",
    "history",
    "science",
    "poetry",
    "crafts",
    "pets",
]
SLOTS = [f"{d}-{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
FORMATS = ["video", "in_person", "chat"]
ERGS = ["Women in Tech", "Pride", "Black Employees", "Parents", "Disability", "Veterans"]
LANGS = ["English", "French", "German", "Spanish", "Polish"]
DEPTS = ["Engineering", "Sales", "Marketing", "Finance", "HR", "Legal", "Operations", "Product"]
LOCS = ["London", "Paris", "Berlin", "Madrid", "Warsaw", "New York"]
ZONES = [
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
]
GENS = ["Gen Z", "Millennial", "Gen X", "Boomer"]
WORDS = [
    "learn",
    "understand",
    "digital",
    "social",
    "media",
    "culture",
    "younger",
    "colleagues",
    "customers",
    "trends",
    "technology",
    "tools",
    "automation",
    "data",
    "analytics",
    "leadership",
    "strategy",
    "communication",
    "feedback",
    "inclusive",
    "hiring",
    "product",
    "design",
    "marketing",
    "content",
    "video",
    "platforms",
    "community",
    "wellbeing",
    "hybrid",
    "work",
    "collaboration",
    "innovation",
    "experiment",
    "career",
    "growth",
    "coaching",
    "listening",
    "perspective",
    "change",
    "transformation",
    "ai",
    "generative",
    "productivity",
    "security",
    "privacy",
    "ethics",
    "sustainability",
    "climate",
    "brand",
    "storytelling",
    "network",
    "mentoring",
    "empathy",
    "diversity",
]


def _pick(rng: np.random.Generator, items: list[str], low: int, high: int) -> list[str]:
    k = int(rng.integers(low, high + 1))
    return [items[i] for i in rng.choice(len(items), size=min(k, len(items)), replace=False)]


def cohort(n_mentors: int, n_mentees: int, seed: int = 0) -> tuple[list[Mentor], list[Mentee]]:
    """Mentors are junior (levels 1-4), mentees senior (levels 3-8); some managers link them."""
    rng = np.random.default_rng(seed)
    mentees: list[Mentee] = []
    for i in range(n_mentees):
        zone = int(rng.integers(len(ZONES)))
        mentees.append(
            Mentee(
                id=f"E{i:06d}",
                name=f"Mentee {i}",
                email=f"e{i}@example.org",
                level=int(rng.integers(3, 9)),
                department=DEPTS[int(rng.integers(len(DEPTS)))],
                location=LOCS[zone],
                timezone=ZONES[zone],
                languages=["English", *_pick(rng, LANGS[1:], 0, 1)],
                manager_id=f"E{int(rng.integers(0, max(i, 1))):06d}" if i else "",
                wants={
                    t: ("low", "medium", "high")[int(rng.integers(3))]
                    for t in _pick(rng, TOPICS, 2, 5)
                },
                interests=_pick(rng, INTERESTS, 1, 4),
                goals=" ".join(_pick(rng, WORDS, 6, 12)),
                formats=_pick(rng, FORMATS, 1, 2),
                availability=_pick(rng, SLOTS, 2, 5),
                ergs=_pick(rng, ERGS, 0, 2),
                generation=GENS[int(rng.integers(1, 4))],
                waiting_days=int(rng.integers(0, 200)),
            )
        )
    mentors: list[Mentor] = []
    for i in range(n_mentors):
        zone = int(rng.integers(len(ZONES)))
        manager = f"E{int(rng.integers(0, max(n_mentees, 1))):06d}" if n_mentees else ""
        mentors.append(
            Mentor(
                id=f"M{i:06d}",
                name=f"Mentor {i}",
                email=f"m{i}@example.org",
                level=int(rng.integers(1, 5)),
                department=DEPTS[int(rng.integers(len(DEPTS)))],
                location=LOCS[zone],
                timezone=ZONES[zone],
                languages=["English", *_pick(rng, LANGS[1:], 0, 1)],
                manager_id=manager,
                skills={t: int(rng.integers(1, 4)) for t in _pick(rng, TOPICS, 3, 7)},
                interests=_pick(rng, INTERESTS, 1, 4),
                goals=" ".join(_pick(rng, WORDS, 6, 12)),
                formats=_pick(rng, FORMATS, 1, 3),
                availability=_pick(rng, SLOTS, 2, 6),
                ergs=_pick(rng, ERGS, 0, 2),
                generation=GENS[int(rng.integers(0, 2))],
                capacity=1,
            )
        )
    return mentors, mentees


HARD_DEPTS = ["Engineering", "Sales", "Operations"]


def hard_cohort(
    n_mentors: int, n_mentees: int, seed: int = 0
) -> tuple[list[Mentor], list[Mentee], OrgChart]:
    """A harder population (issue 11): the people ``cohort`` makes, and then

    * reporting lines: mentees form a hierarchy (each reports to an earlier mentee), and
      most mentors sit under team leads (who do not take part) reporting to some mentees,
      so every mentor is ruled out for the whole chain above its team lead;
    * 10 % of the people on each side exclude one to three people of the other side;
    * mentor capacities of 1 or 2;
    * three departments only (the diversity criterion separates fewer pairs).
    """
    mentors, mentees = cohort(n_mentors, n_mentees, seed)
    rng = np.random.default_rng(seed + 1)
    managers: dict[str, str] = {}
    for i, mentee in enumerate(mentees):
        if i:
            managers[mentee.id] = mentees[int(rng.integers(0, i))].id
    n_leads = max(1, n_mentors // 8)
    for lead in range(n_leads):
        if n_mentees:
            managers[f"T{lead:06d}"] = mentees[int(rng.integers(0, n_mentees))].id
    hard_mentors: list[Mentor] = []
    for mentor in mentors:
        manager = f"T{int(rng.integers(0, n_leads)):06d}" if rng.random() < 0.8 else ""
        if manager:
            managers[mentor.id] = manager
        exclude: list[str] = []
        if n_mentees and rng.random() < 0.1:
            count = int(rng.integers(1, 4))
            exclude = [mentees[int(j)].id for j in rng.integers(0, n_mentees, count)]
        hard_mentors.append(
            replace(
                mentor,
                manager_id=manager,
                department=HARD_DEPTS[int(rng.integers(len(HARD_DEPTS)))],
                exclude=exclude,
                capacity=int(rng.integers(1, 3)),
            )
        )
    hard_mentees: list[Mentee] = []
    for mentee in mentees:
        exclude = []
        if n_mentors and rng.random() < 0.1:
            count = int(rng.integers(1, 4))
            exclude = [mentors[int(j)].id for j in rng.integers(0, n_mentors, count)]
        hard_mentees.append(
            replace(
                mentee,
                manager_id=managers.get(mentee.id, ""),
                department=HARD_DEPTS[int(rng.integers(len(HARD_DEPTS)))],
                exclude=exclude,
            )
        )
    return hard_mentors, hard_mentees, OrgChart(managers)
