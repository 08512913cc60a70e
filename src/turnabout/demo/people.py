"""The demo organisation: Northwind Lumen, a deterministic, realistic company of 400 people.

`demo_build` writes departments, locations and time zones, job levels 1-10 with a proper
reporting tree, hire dates, languages, employee resource groups, consented sensitive
attributes, a skills catalogue and one login per role. Everything comes from
`random.Random(seed)` and a fixed anchor date, so the same seed gives the same company.

The planning half (`_plan_company` and friends) is plain Python; `demo_build` turns the plan
into rows with a handful of bulk inserts.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts.models import Role
from turnabout.accounts.services import role_grant
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import Conflict
from turnabout.demo.files import load_csv, load_toml
from turnabout.people.models import Employee, ResourceGroup, SensitiveAttributes, Skill

COMPANY_NAME = "Northwind Lumen"
EMAIL_DOMAIN = "northwind-lumen.example"
DEMO_PASSWORD = "turnabout-demo"  # noqa: S105  # the demo's published password, by design
DEFAULT_SEED = 2026
ANCHOR = date(2026, 9, 1)  # "today" in the demo; no wall-clock time enters the data
FOUNDED = date(2008, 3, 3)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account the CLI prints: who it is, how to log in and what it sees."""

    role: str
    email: str
    password: str
    sees: str
    roles: tuple[Role, ...] = ()


_COMPANY = load_toml("company.toml")
_PEOPLE = load_toml("people.toml")

DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        login["role"],
        f"{login['email']}@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        login["sees"],
        tuple(Role(role) for role in login["roles"]),
    )
    for login in _COMPANY["logins"]
]


@dataclass(frozen=True)
class DemoSummary:
    company: str
    seed: int
    employees: int
    departments: int
    locations: int
    resource_groups: int
    skills: int
    logins: tuple[DemoLogin, ...]


def demo_logins_banner() -> list[str]:
    """The demo logins present in the database, for `turnabout serve` to print at start."""
    present = set(
        get_user_model()
        .objects.filter(username__in=[login.email for login in DEMO_LOGINS])
        .values_list("username", flat=True)
    )
    logins = [login for login in DEMO_LOGINS if login.email in present]
    if not logins:
        return []
    width = max(len(login.role) for login in logins)
    return [f"Demo logins (password: {logins[0].password}):"] + [
        f"  {login.role:<{width}}  {login.email}" for login in logins
    ]


# --- The company ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Location:
    name: str
    timezone: str
    origins: dict[str, int]  # name origin -> weight
    languages: tuple[tuple[str, float], ...]  # local language -> probability of speaking it
    veterans: bool = False  # where a Veterans network is common


LOCATIONS: dict[str, _Location] = {
    name: _Location(
        name,
        location["timezone"],
        location["origins"],
        tuple(location["languages"].items()),
        veterans=location["veterans"],
    )
    for name, location in _COMPANY["locations"].items()
}


@dataclass(frozen=True)
class _Department:
    name: str
    size: int  # headcount including the head
    head_title: str
    head_level: int
    women: float  # share of women
    locations: dict[str, int]  # location -> weight; the first is where the head sits
    areas: tuple[str, ...]  # what managers lead: "Director, Platform"
    roles: tuple[str, ...]  # individual contributors' job families
    reports_to: str = ""  # another department's head; the CEO when empty


EXECUTIVE_OFFICE = "Executive Office"

DEPARTMENTS: tuple[_Department, ...] = tuple(
    _Department(
        department["name"],
        department["size"],
        department["head_title"],
        department["head_level"],
        department["women"],
        department["locations"],
        tuple(department["areas"]),
        tuple(department["roles"]),
        reports_to=department["reports_to"],
    )
    for department in _COMPANY["departments"]
)

_ORIGINS: dict[str, dict[str, Any]] = _PEOPLE["origins"]
# Name lists: women's first names | men's first names | family names.
_NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    origin: (names["women"], names["men"], names["families"]) for origin, names in _ORIGINS.items()
}
# Ethnicity by name origin (weights), as people would self-describe in a survey.
_ETHNICITY: dict[str, dict[str, int]] = {
    origin: names["ethnicity"] for origin, names in _ORIGINS.items()
}
# Languages that go with a name origin: (language, probability).
_ORIGIN_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    origin: tuple(names["languages"].items()) for origin, names in _ORIGINS.items()
}
_SCHOOL_LANGUAGES: tuple[tuple[str, float], ...] = tuple(_PEOPLE["school_languages"].items())

# Age (at the anchor date) and tenure in years by level.
_AGE: dict[int, tuple[int, int]] = {
    int(level): (low, high) for level, (low, high) in _PEOPLE["age"].items()
}
# The CEO founded the company (hire dates never precede FOUNDED).
_TENURE: dict[int, tuple[float, float]] = {
    int(level): (float(low), float(high)) for level, (low, high) in _PEOPLE["tenure"].items()
}
_IC_LEVELS = (1, 2, 3, 4)
_IC_LEVEL_WEIGHTS = (20, 32, 28, 20)


@dataclass(frozen=True)
class _Group:
    name: str
    description: str


RESOURCE_GROUPS: tuple[_Group, ...] = tuple(
    _Group(row["name"], row["description"]) for row in load_csv("resource_groups.csv")
)

# name, category, aliases, description
SKILLS: tuple[tuple[str, Skill.Category, tuple[str, ...], str], ...] = tuple(
    (
        row["name"],
        Skill.Category(row["category"]),
        tuple(row["aliases"].split(";")) if row["aliases"] else (),
        row["description"],
    )
    for row in load_csv("skills.csv")
)


# --- Planning (plain Python, no database) -----------------------------------------------


@dataclass(eq=False)
class _Person:
    department: str
    level: int
    area: str
    manager: _Person | None
    location: _Location
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    origin: str = ""
    gender: str = ""
    ethnicity: str = ""
    age: int = 0
    hire_date: date = ANCHOR
    status: str = Employee.Status.ACTIVE
    termination_date: date | None = None
    languages: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    consented_at: datetime | None = None
    employee_id: str = ""
    login: DemoLogin | None = None

    @property
    def depth(self) -> int:
        return 0 if self.manager is None else self.manager.depth + 1


# Sub-manager tiers: (their level, fewest and most people below them, typical number).
# Level 6 stands for first-line managers, who are levels 5 or 6.
_TIERS: tuple[tuple[int, int, int, float], ...] = (
    (8, 12, 150, 25.0),
    (7, 5, 40, 10.0),
    (6, 3, 9, 6.0),
)
_MAX_DIRECT_ICS = {7: 2, 8: 1, 9: 1, 10: 0}
MIN_SPAN, MAX_SPAN = 3, 9


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _split(rng: random.Random, total: int, parts: int, lo: int, hi: int) -> list[int]:
    """`total` split into `parts` random sizes, each in [lo, hi]."""
    sizes = [lo] * parts
    for _step in range(total - lo * parts):
        index = rng.choice([i for i, size in enumerate(sizes) if size < hi])
        sizes[index] += 1
    return sizes


def _team_shape(
    rng: random.Random, level: int, below: int, reserved: int
) -> tuple[int, list[int], int]:
    """How a manager of `level` organises the `below` people under them.

    Returns the level of their sub-managers, how many people sit below each sub-manager,
    and how many individual contributors report directly. `reserved` direct-report slots
    are taken already (another department's head). Keeps the span of control in 3-9.
    """
    best: tuple[float, int, int, int, int, int] | None = None
    tiers = [tier for tier in _TIERS if tier[0] < level]
    for rank, (sub_level, lo, hi, typical) in enumerate(tiers):
        for managers in range(1, MAX_SPAN + 1):
            for direct in range(_MAX_DIRECT_ICS.get(level, 0) + 1):
                rest = below - managers - direct
                if not MIN_SPAN <= managers + direct + reserved <= MAX_SPAN:
                    continue
                if not managers * lo <= rest <= managers * hi:
                    continue
                cost = (
                    abs(math.log(rest / managers / typical))
                    + 0.6 * direct
                    + 0.2 * rank
                    + 0.12 * abs(managers + direct + reserved - 5)
                    + (0.5 if managers == 1 else 0.0)
                    + 0.25 * rng.random()
                )
                if best is None or cost < best[0]:
                    best = (cost, sub_level, managers, direct, lo, hi)
    if best is None:
        raise ValueError(f"No team shape for level {level} with {below} people below.")
    _cost, sub_level, managers, direct, lo, hi = best
    return sub_level, _split(rng, below - managers - direct, managers, lo, hi), direct


def _grow(
    rng: random.Random,
    boss: _Person,
    below: int,
    department: _Department,
    out: list[_Person],
    *,
    reserved: int = 0,
) -> None:
    """Place `below` people of `department` under `boss`, recursively."""

    def nearby(stay: float) -> _Location:
        if rng.random() < stay:
            return boss.location
        return LOCATIONS[_weighted(rng, department.locations)]

    if below + reserved <= MAX_SPAN:
        teams: list[int] = []
        direct = below
        sub_level = 0
    else:
        sub_level, teams, direct = _team_shape(rng, boss.level, below, reserved)
    areas = list(department.areas)
    rng.shuffle(areas)
    for index, team in enumerate(teams):
        level = sub_level
        if sub_level == 6:
            level = 6 if team >= 7 or rng.random() < 0.35 else 5
        area = boss.area or areas[index % len(areas)]
        child = _Person(department.name, level, area, boss, nearby(0.35))
        out.append(child)
        _grow(rng, child, team, department, out)
    for _index in range(direct):
        senior_boss = boss.level >= 8  # heads and directors keep one senior specialist
        level = 4 if senior_boss else rng.choices(_IC_LEVELS, weights=_IC_LEVEL_WEIGHTS)[0]
        out.append(_Person(department.name, level, boss.area, boss, nearby(0.65)))


def _title(person: _Person, department: _Department | None, rng: random.Random) -> str:
    if department is None:
        return "Chief Executive Officer"
    level, area = person.level, person.area
    if level <= 4:
        role = rng.choice(department.roles)
        return {1: f"Associate {role}", 2: role, 3: f"{role} II", 4: f"Senior {role}"}[level]
    if level == 5:
        return f"Team Lead, {area}"
    if level == 6:
        return f"Manager, {area}"
    if level == 7:
        return f"Senior Manager, {area}"
    return f"Director, {area}"


def _ascii_word(text: str) -> str:
    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", text.lower())


def _name(rng: random.Random, person: _Person, taken: set[str]) -> None:
    women, men, families = _NAMES[person.origin]
    for attempt in range(50):
        if person.gender == "Woman" or (person.gender == "Non-binary" and rng.random() < 0.5):
            first = rng.choice(women)
        else:
            first = rng.choice(men)
        last = rng.choice(families)
        if person.origin == "polish" and person.gender == "Woman" and last.endswith("ski"):
            last = last[:-1] + "a"  # Kowalski -> Kowalska
        local = f"{_ascii_word(first)}.{_ascii_word(last)}"
        if attempt >= 40:
            local += str(attempt)
        if local not in taken:
            taken.add(local)
            person.first_name, person.last_name = first, last
            person.email = f"{local}@{EMAIL_DOMAIN}"
            return
    raise ValueError("Ran out of names.")  # pragma: no cover - 50 tries never all collide


def _languages(rng: random.Random, person: _Person) -> list[str]:
    spoken: list[str] = []
    if person.origin in {"anglo", "west_african", "south_asian"} or rng.random() < 0.97:
        spoken.append("English")
    for language, chance in (
        *_ORIGIN_LANGUAGES[person.origin],
        *person.location.languages,
        *_SCHOOL_LANGUAGES,
    ):
        if language not in spoken and rng.random() < chance:
            spoken.append(language)
    return spoken or ["English"]


def _generation(age: int) -> str:
    born = ANCHOR.year - age
    if born <= 1964:
        return SensitiveAttributes.Generation.BABY_BOOMER
    if born <= 1980:
        return SensitiveAttributes.Generation.GEN_X
    if born <= 1996:
        return SensitiveAttributes.Generation.MILLENNIAL
    return SensitiveAttributes.Generation.GEN_Z


def _describe(rng: random.Random, person: _Person, women: float, taken: set[str]) -> None:
    """Give a placed person a name, title, age, hire date, languages and consented data."""
    person.origin = _weighted(rng, person.location.origins)
    draw = rng.random()
    person.gender = "Non-binary" if draw < 0.015 else "Woman" if draw < women else "Man"
    person.ethnicity = _weighted(rng, _ETHNICITY[person.origin])
    _name(rng, person, taken)
    person.age = rng.randint(*_AGE[person.level])
    low, high = _TENURE[person.level]
    years = rng.uniform(low, max(min(high, person.age - 20.5), low))
    person.hire_date = max(ANCHOR - timedelta(days=round(years * 365.25)), FOUNDED)
    person.languages = _languages(rng, person)
    if rng.random() < 0.7:
        since = max(person.hire_date, ANCHOR - timedelta(days=540))
        day = since + timedelta(days=rng.randint(0, (ANCHOR - since).days))
        moment = time(8 + rng.randrange(10), rng.randrange(60))
        person.consented_at = datetime.combine(day, moment, tzinfo=UTC)


_TECH_DEPARTMENTS = {"Engineering", "Data & AI", "Product"}


def _join_groups(rng: random.Random, person: _Person) -> None:
    """Employee resource group memberships at realistic rates."""
    tenure_years = (ANCHOR - person.hire_date).days / 365.25
    chances = {
        "Women in Tech": (
            (0.4 if person.department in _TECH_DEPARTMENTS else 0.12)
            if person.gender == "Woman"
            else 0.02
        ),
        "Pride Network": 0.6 if person.gender == "Non-binary" else 0.07,
        "Black Professionals Network": 0.45 if person.ethnicity == "Black" else 0.015,
        "Early Careers Network": (
            (0.5 if tenure_years < 3 else 0.15) if person.level <= 3 else 0.01
        ),
        "Parents & Carers": 0.2 if 30 <= person.age <= 55 else 0.04,
        "Neurodiversity Alliance": 0.05,
        "Veterans Network": (0.05 if person.location.veterans else 0.01)
        if person.age >= 28
        else 0.0,
        "Disability & Wellbeing": 0.06,
    }
    person.groups = [group.name for group in RESOURCE_GROUPS if rng.random() < chances[group.name]]


def _pick(people: Sequence[_Person], *, department: str, levels: Sequence[int]) -> _Person:
    """The first person of `department` at the first of `levels` (in order) anyone holds."""
    for level in levels:
        for person in people:
            if person.department == department and person.level == level and not person.login:
                return person
    raise ValueError(f"No one in {department} at levels {levels}.")


def _cast_logins(people: list[_Person], heads: dict[str, _Person]) -> None:
    """Choose the employee behind each demo login and give them a fitting title."""
    admin, programs, sponsor, mentor, mentee = DEMO_LOGINS

    def cast(login: DemoLogin, person: _Person, title: str = "") -> None:
        person.login = login
        person.email = login.email
        person.title = title or person.title

    people_and_culture = "People & Culture"
    cast(
        admin, _pick(people, department=people_and_culture, levels=(7, 6, 5)), "People Systems Lead"
    )
    cast(
        programs,
        _pick(people, department=people_and_culture, levels=(6, 5, 7)),
        "Learning & Development Manager",
    )
    cast(sponsor, people[0])
    cast(mentor, _pick(people, department="Data & AI", levels=(2, 1, 3)))
    cast(mentee, heads["Marketing"])


def _set_statuses(rng: random.Random, people: list[_Person]) -> None:
    """A few people on leave and a few who left, none of them behind a demo login."""
    candidates = [p for p in people if p.login is None and p.level <= 6]
    on_leave = rng.sample(candidates, 8)
    for person in on_leave:
        person.status = Employee.Status.LEAVE
    leavers = [
        p
        for p in candidates
        if p.level <= 4 and p not in on_leave and (ANCHOR - p.hire_date).days > 300
    ]
    for person in rng.sample(leavers, 10):
        person.status = Employee.Status.TERMINATED
        person.termination_date = ANCHOR - timedelta(days=rng.randint(5, 240))
        person.groups = []


def _plan_company(seed: int) -> list[_Person]:
    """The whole company, CEO first, every manager before their reports."""
    rng = random.Random(seed)
    ceo = _Person(EXECUTIVE_OFFICE, 10, "", None, LOCATIONS["London"])
    people = [ceo]
    heads: dict[str, _Person] = {}
    for department in DEPARTMENTS:
        boss = heads[department.reports_to] if department.reports_to else ceo
        location = LOCATIONS[next(iter(department.locations))]
        head = _Person(department.name, department.head_level, "", boss, location)
        head.title = department.head_title
        heads[department.name] = head
        people.append(head)
    for department in DEPARTMENTS:
        reserved = sum(1 for other in DEPARTMENTS if other.reports_to == department.name)
        head = heads[department.name]
        _grow(rng, head, department.size - 1, department, people, reserved=reserved)
    by_name = {department.name: department for department in DEPARTMENTS}
    taken: set[str] = set()
    for person in people:
        home = by_name.get(person.department)
        if not person.title:
            person.title = _title(person, home, rng)
        women = home.women if home else 0.45
        _describe(rng, person, women, taken)
    for person in people:
        _join_groups(rng, person)
    _cast_logins(people, heads)
    _set_statuses(rng, people)
    ordered = sorted(people, key=lambda p: (p.hire_date, p.last_name, p.first_name, p.email))
    for number, person in enumerate(ordered, start=1):
        person.employee_id = f"NL{number:05d}"
    return people


# --- Writing ----------------------------------------------------------------------------


def _refuse_if_not_empty() -> None:
    if Employee.objects.exists():
        raise Conflict(
            _(
                "The database already has employees; the demo organisation is only built in "
                "an empty database so that it never mixes with real data."
            )
        )
    emails = [login.email for login in DEMO_LOGINS]
    if get_user_model().objects.filter(username__in=emails).exists():
        raise Conflict(_("Accounts with the demo login emails exist already."))


@transaction.atomic
def demo_build(*, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Build the demo organisation in an empty database. Same seed, same company."""
    _refuse_if_not_empty()
    people = _plan_company(seed)

    existing_groups = set(ResourceGroup.objects.values_list("name", flat=True))
    ResourceGroup.objects.bulk_create(
        ResourceGroup(name=g.name, description=g.description)
        for g in RESOURCE_GROUPS
        if g.name not in existing_groups
    )
    groups = {
        g.name: g for g in ResourceGroup.objects.filter(name__in=[g.name for g in RESOURCE_GROUPS])
    }
    existing_skills = set(Skill.objects.values_list("name", flat=True))
    Skill.objects.bulk_create(
        Skill(name=name, category=category, aliases=list(aliases), description=description)
        for name, category, aliases, description in SKILLS
        if name not in existing_skills
    )

    # Argon2 is slow on purpose: hash each distinct demo password once, not once per account.
    hashes = {password: make_password(password) for password in {x.password for x in DEMO_LOGINS}}
    user_model = get_user_model()
    users = {}
    for person in people:
        if person.login is not None:
            user = user_model.objects.create_user(
                username=person.email,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
            )
            user.password = hashes[person.login.password]
            user.save(update_fields=["password"])
            users[person.login.email] = user

    rows: dict[int, Employee] = {}
    for depth in range(max(p.depth for p in people) + 1):
        batch = []
        for person in people:
            if person.depth != depth:
                continue
            row = Employee(
                employee_id=person.employee_id,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                title=person.title,
                department=person.department,
                location=person.location.name,
                timezone=person.location.timezone,
                level=person.level,
                manager=rows[id(person.manager)] if person.manager is not None else None,
                hire_date=person.hire_date,
                status=person.status,
                termination_date=person.termination_date,
                languages=person.languages,
                user=users.get(person.email),
            )
            rows[id(person)] = row
            batch.append(row)
        Employee.objects.bulk_create(batch)

    SensitiveAttributes.objects.bulk_create(
        SensitiveAttributes(
            employee=rows[id(person)],
            consent_given_at=person.consented_at,
            generation=_generation(person.age),
            gender=person.gender,
            ethnicity=person.ethnicity,
        )
        for person in people
        if person.consented_at is not None
    )
    membership = Employee.resource_groups.through
    membership.objects.bulk_create(
        membership(employee_id=rows[id(person)].pk, resourcegroup_id=groups[name].pk)
        for person in people
        for name in person.groups
    )

    for login in DEMO_LOGINS:
        for role in login.roles:
            role_grant(users[login.email], role, acting_user=None)

    summary = DemoSummary(
        company=COMPANY_NAME,
        seed=seed,
        employees=len(people),
        departments=len({p.department for p in people}),
        locations=len({p.location.name for p in people}),
        resource_groups=len(groups),
        skills=Skill.objects.count(),
        logins=tuple(DEMO_LOGINS),
    )
    audit_record(
        actor=None,
        event=AuditEvent.DEMO_LOADED,
        changes={
            "employees": (None, summary.employees),
            "departments": (None, summary.departments),
            "locations": (None, summary.locations),
            "resource_groups": (None, summary.resource_groups),
            "skills": (None, summary.skills),
            "logins": (None, len(DEMO_LOGINS)),
        },
        message=f"Demo organisation {COMPANY_NAME} built with seed {seed}.",
    )
    return summary
