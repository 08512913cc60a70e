"""Test data built through the real services (shared by the programs and enrolment tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from turnabout.people.models import Skill
from turnabout.programs.models import TRANSITIONS, Cohort, Phase, Program
from turnabout.programs.services import cohort_change_phase, cohort_create, program_create

SKILLS = (
    ("Generative AI tools", Skill.Category.DIGITAL),
    ("TikTok", Skill.Category.SOCIAL),
    ("Hybrid work norms", Skill.Category.CULTURE),
    ("Data privacy", Skill.Category.TECHNOLOGY),
)


def ensure_skills() -> None:
    for name, category in SKILLS:
        Skill.objects.get_or_create(name=name, defaults={"category": category})


def make_program(manager: Any, *, name: str = "Digital Fluency", **data: Any) -> Program:
    design: dict[str, Any] = {
        "name": name,
        "purpose": "Juniors teach seniors digital tools.",
        "mentor_max_level": 4,
        "mentee_min_level": 7,
        "guidelines": "Meet every two weeks.",
    }
    design.update(data)
    return program_create(data=design, acting_user=manager)


def make_cohort(
    program: Program, manager: Any, *, phase: str = Phase.DRAFT, name: str = "Autumn 2026"
) -> Cohort:
    cohort = cohort_create(
        program,
        name=name,
        applications_open_on=date(2026, 8, 3),
        applications_close_on=date(2026, 8, 28),
        starts_on=date(2026, 9, 21),
        ends_on=date(2027, 3, 19),
        acting_user=manager,
    )
    move_to(cohort, phase, manager)
    return cohort


def path_between(start: str, goal: str) -> list[str]:
    """The shortest list of phases from `start` to `goal` along the phase machine."""
    frontier: list[list[str]] = [[start]]
    seen = {start}
    while frontier:
        route = frontier.pop(0)
        if route[-1] == goal:
            return route[1:]
        for step in TRANSITIONS[route[-1]]:
            if step not in seen:
                seen.add(step)
                frontier.append([*route, step])
    raise ValueError(f"no path from {start} to {goal}")


def move_to(cohort: Cohort, phase: str, manager: Any) -> Cohort:
    for step in path_between(cohort.phase, phase):
        cohort_change_phase(cohort, to_phase=step, acting_user=manager)
    return cohort


def mentor_profile(**overrides: Any) -> dict[str, Any]:
    ensure_skills()
    profile: dict[str, Any] = {
        "skills": {"Generative AI tools": 3, "TikTok": 2},
        "interests": ["running", "photography"],
        "goals": "Show a leader how I use AI assistants; learn how strategy is made.",
        "communication": ["chat"],
        "formats": ["video", "hybrid"],
        "availability": ["mon-am", "wed-pm"],
        "languages": ["English"],
        "capacity": 2,
        "working_style": {"structure": "mixed", "feedback": "direct"},
        "agreed_to_guidelines": True,
    }
    profile.update(overrides)
    return profile


def mentee_profile(**overrides: Any) -> dict[str, Any]:
    ensure_skills()
    profile: dict[str, Any] = {
        "wants": {"Generative AI tools": "high", "Hybrid work norms": "low"},
        "interests": ["chess"],
        "goals": "Get hands-on with AI tools and understand how younger colleagues work.",
        "formats": ["in_person"],
        "availability": ["tue-am", "thu-pm"],
        "agreed_to_guidelines": True,
    }
    profile.update(overrides)
    return profile
