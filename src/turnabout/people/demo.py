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

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from turnabout.accounts.models import Role
from turnabout.accounts.services import role_grant
from turnabout.common.audit import AuditEvent, audit_record
from turnabout.common.errors import Conflict
from turnabout.people.models import Employee, ResourceGroup, SensitiveAttributes, Skill

COMPANY_NAME = "Northwind Lumen"
EMAIL_DOMAIN = "northwind-lumen.example"
DEMO_PASSWORD = "turnabout-demo"
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


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "Organisation admin",
        f"admin@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        "Everything: people, imports, roles, programs, the audit log.",
        (Role.ORG_ADMIN,),
    ),
    DemoLogin(
        "Program manager",
        f"programs@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        "People and the programs they run: cohorts, matching, pair health (no private notes).",
        (Role.PROGRAM_MANAGER,),
    ),
    DemoLogin(
        "Executive sponsor",
        f"sponsor@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        "Organisation-wide aggregates and dashboards only; no person-level data.",
        (Role.SPONSOR,),
    ),
    DemoLogin(
        "Mentor (junior, level 2)",
        f"mentor@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        "Their own profile, their pairs and what their mentee shares.",
    ),
    DemoLogin(
        "Mentee (senior leader)",
        f"mentee@{EMAIL_DOMAIN}",
        DEMO_PASSWORD,
        "Their own profile, their pairs and what their mentor shares.",
    ),
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


# --- The company ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Location:
    name: str
    timezone: str
    origins: dict[str, int]  # name origin -> weight
    languages: tuple[tuple[str, float], ...]  # local language -> probability of speaking it
    veterans: bool = False  # where a Veterans network is common


LOCATIONS: dict[str, _Location] = {
    loc.name: loc
    for loc in (
        _Location(
            "London",
            "Europe/London",
            {"anglo": 50, "south_asian": 12, "west_african": 7, "polish": 6, "french": 5,
             "arabic": 4, "chinese": 4, "lusophone": 3, "hispanic": 3, "german": 3},
            (),
            veterans=True,
        ),
        _Location(
            "Berlin",
            "Europe/Berlin",
            {"german": 60, "polish": 10, "arabic": 7, "anglo": 6, "south_asian": 5,
             "french": 4, "hispanic": 4, "lusophone": 2, "chinese": 2},
            (("German", 0.9),),
        ),
        _Location(
            "Lisbon",
            "Europe/Lisbon",
            {"lusophone": 65, "hispanic": 8, "anglo": 6, "west_african": 6, "french": 5,
             "german": 4, "polish": 3, "south_asian": 3},
            (("Portuguese", 0.9),),
        ),
        _Location(
            "New York",
            "America/New_York",
            {"anglo": 48, "hispanic": 16, "south_asian": 10, "west_african": 8, "chinese": 8,
             "arabic": 3, "polish": 3, "french": 2, "lusophone": 2},
            (("Spanish", 0.12),),
            veterans=True,
        ),
        _Location(
            "Austin",
            "America/Chicago",
            {"anglo": 55, "hispanic": 25, "south_asian": 8, "chinese": 5, "west_african": 4,
             "arabic": 3},
            (("Spanish", 0.2),),
            veterans=True,
        ),
        _Location(
            "Toronto",
            "America/Toronto",
            {"anglo": 40, "south_asian": 16, "french": 14, "chinese": 14, "arabic": 5,
             "polish": 4, "west_african": 4, "hispanic": 3},
            (("French", 0.3),),
            veterans=True,
        ),
        _Location(
            "Bangalore",
            "Asia/Kolkata",
            {"south_asian": 97, "anglo": 3},
            (("Hindi", 0.6), ("Kannada", 0.35)),
        ),
        _Location(
            "Singapore",
            "Asia/Singapore",
            {"chinese": 60, "malay_filipino": 20, "south_asian": 12, "anglo": 6, "french": 2},
            (("Mandarin", 0.5), ("Malay", 0.25)),
        ),
    )
}  # fmt: skip


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

DEPARTMENTS: tuple[_Department, ...] = (
    _Department(
        "Engineering", 108, "Chief Technology Officer", 9, 0.3,
        {"London": 30, "Berlin": 20, "Bangalore": 25, "Lisbon": 15, "Toronto": 15},
        ("Platform", "Payments", "Mobile", "Web Experience", "Infrastructure", "Security",
         "Developer Experience", "Quality Engineering"),
        ("Software Engineer", "Frontend Engineer", "Backend Engineer", "Mobile Engineer",
         "Site Reliability Engineer", "QA Engineer", "Security Engineer"),
    ),
    _Department(
        "Product", 30, "Chief Product Officer", 9, 0.48,
        {"London": 40, "New York": 20, "Berlin": 20, "Toronto": 20},
        ("Core Product", "Growth", "Design", "User Research"),
        ("Product Manager", "Product Designer", "UX Researcher", "Content Designer"),
    ),
    _Department(
        "Data & AI", 40, "Chief Data & AI Officer", 9, 0.38,
        {"London": 30, "Bangalore": 30, "Berlin": 15, "Toronto": 15, "Singapore": 10},
        ("Analytics", "Machine Learning", "Data Platform", "Applied AI", "Data Governance"),
        ("Data Analyst", "Data Scientist", "Data Engineer", "Machine Learning Engineer",
         "Analytics Engineer"),
    ),
    _Department(
        "Marketing", 34, "Chief Marketing Officer", 9, 0.6,
        {"New York": 35, "London": 35, "Singapore": 20, "Lisbon": 10},
        ("Brand", "Growth Marketing", "Content", "Product Marketing", "Communications"),
        ("Marketing Specialist", "Content Marketer", "Social Media Specialist",
         "Marketing Analyst", "Graphic Designer"),
    ),
    _Department(
        "Sales", 55, "Chief Revenue Officer", 9, 0.42,
        {"New York": 30, "London": 25, "Austin": 25, "Singapore": 15, "Toronto": 15},
        ("Enterprise Sales", "Mid-Market Sales", "Sales Development", "Partnerships",
         "Sales Operations"),
        ("Account Executive", "Sales Development Representative", "Solutions Consultant",
         "Sales Operations Analyst"),
    ),
    _Department(
        "Customer Success", 42, "VP Customer Success", 9, 0.55,
        {"Austin": 30, "Lisbon": 25, "Bangalore": 20, "Singapore": 15, "London": 10},
        ("Onboarding", "Support", "Customer Success", "Renewals", "Customer Education"),
        ("Support Specialist", "Customer Success Specialist", "Onboarding Specialist",
         "Technical Support Engineer"),
    ),
    _Department(
        "Finance", 25, "Chief Financial Officer", 9, 0.5,
        {"London": 60, "New York": 25, "Singapore": 15},
        ("Financial Planning & Analysis", "Accounting", "Procurement", "Tax & Treasury"),
        ("Financial Analyst", "Accountant", "Payroll Specialist", "Procurement Analyst"),
    ),
    _Department(
        "People & Culture", 25, "Chief People Officer", 9, 0.7,
        {"London": 50, "New York": 15, "Bangalore": 15, "Berlin": 10, "Lisbon": 10},
        ("People Partnering", "Talent Acquisition", "Learning & Development",
         "People Operations", "Inclusion & Belonging"),
        ("People Partner", "Recruiter", "Learning Specialist", "People Operations Specialist",
         "Reward Analyst"),
    ),
    _Department(
        "Legal", 12, "General Counsel", 8, 0.55,
        {"London": 70, "New York": 30},
        ("Commercial Legal", "Privacy & Compliance"),
        ("Legal Counsel", "Paralegal", "Compliance Analyst", "Privacy Analyst"),
        reports_to="Finance",
    ),
    _Department(
        "Operations", 28, "Chief Operating Officer", 9, 0.45,
        {"London": 30, "Lisbon": 25, "Austin": 20, "Bangalore": 15, "Singapore": 10},
        ("Business Operations", "IT", "Workplace", "Vendor Management"),
        ("Operations Analyst", "IT Support Engineer", "Workplace Coordinator",
         "Business Analyst"),
    ),
)  # fmt: skip

# Name lists: women's first names | men's first names | family names.
_NAMES: dict[str, tuple[str, str, str]] = {
    "anglo": (
        "Olivia Emma Charlotte Amelia Sophie Grace Hannah Emily Lucy Chloe Sarah Rachel Laura "
        "Megan Jessica Katherine Rebecca Abigail Claire Fiona Naomi Jasmine Keisha Danielle",
        "James Oliver Thomas William Jack Harry George Daniel Samuel Joseph Benjamin Matthew "
        "Andrew Christopher David Michael Robert Ryan Connor Liam Marcus Tyrone Jordan Nathan",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Murphy Kelly O'Brien Campbell "
        "Stewart Hughes Bennett Carter Mitchell Foster Reid Morgan Palmer Price Barnes Fraser",
    ),
    "german": (
        "Anna Lena Laura Julia Lea Hannah Sophie Katharina Lisa Marie Johanna Clara Greta "
        "Miriam Sabine Petra Franziska Annika",
        "Lukas Jonas Felix Leon Maximilian Paul Jan Tobias Niklas Florian Stefan Matthias "
        "Andreas Jürgen Tim Moritz Sebastian Henrik",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
        "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange "
        "Werner Vogel Jansen Bauer Keller",
    ),
    "lusophone": (
        "Ana Beatriz Inês Mariana Carolina Sofia Joana Rita Leonor Catarina Marta Camila "
        "Larissa Fernanda Filipa Teresa",
        "João Pedro Tiago Miguel Rodrigo Diogo Gonçalo Rafael Bruno Ricardo André Lucas "
        "Gabriel Nuno Duarte Vasco",
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes "
        "Gonçalves Gomes Lopes Marques Almeida Ribeiro Carvalho Teixeira Moreira Correia "
        "Mendes Nunes Pinto Cardoso",
    ),
    "hispanic": (
        "María Sofía Valentina Camila Lucía Isabella Gabriela Daniela Andrea Paula Elena "
        "Carmen Ximena Natalia Alejandra Rosa",
        "Alejandro Carlos Diego Javier Luis Mateo Santiago Andrés Miguel Jorge Fernando "
        "Pablo Ricardo Emilio Raúl Héctor",
        "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres "
        "Flores Rivera Gómez Díaz Morales Ortiz Castillo Romero Vargas Mendoza Reyes Cruz "
        "Navarro Guerrero",
    ),
    "south_asian": (
        "Priya Ananya Divya Kavya Sneha Pooja Aishwarya Meera Nisha Lakshmi Shreya Aditi "
        "Deepika Riya Sanjana Fatima Anjali Swati Ishita Farah",
        "Arjun Rahul Vikram Rohan Aditya Karthik Siddharth Amit Rajesh Sanjay Nikhil Varun "
        "Harish Suresh Imran Aarav Manish Abhishek Vivek Zain",
        "Sharma Patel Iyer Reddy Nair Gupta Singh Kumar Rao Menon Krishnan Joshi Mehta Desai "
        "Kapoor Chatterjee Banerjee Pillai Venkatesh Shetty Hegde Khan Bhat Agarwal Mishra "
        "Chowdhury Malhotra Srinivasan Qureshi Das",
    ),
    "chinese": (
        "Mei Xin Jia Ying Hui Jasmine Rachel Cheryl Vivian Shirley Amanda Michelle Grace Wen "
        "Yan Ling Xiaoling Joanne",
        "Wei Jun Hao Ming Jian Kai Zhi Gavin Marcus Darren Kelvin Bryan Eugene Jason Yong Bo "
        "Zhiwei Desmond",
        "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Lau "
        "Chen Wang Zhang Liu Yang Huang Zhou Wu",
    ),
    "malay_filipino": (
        "Nurul Siti Aisyah Farah Nadia Amira Aaliyah Maria Angelica Kristine Patricia Joy "
        "Liza Carmela",
        "Ahmad Muhammad Hafiz Faizal Irfan Amir Rizal Daniel Jose Mark Paolo Miguel Rafael Carlo",
        "Abdullah Rahman Ismail Hassan Ibrahim Osman Yusof Salleh Santos Reyes Bautista Ocampo "
        "Mendoza Villanueva Aquino Ramos Tan Razak",
    ),
    "west_african": (
        "Amara Chioma Ngozi Adaeze Folake Abena Akosua Efua Yewande Zainab Ifeoma Funmilayo "
        "Nneka Adwoa",
        "Chinedu Emeka Oluwaseun Kwame Kofi Tunde Babatunde Ikenna Femi Kwesi Yaw Obinna "
        "Chukwuemeka Segun",
        "Okafor Adeyemi Okonkwo Mensah Boateng Owusu Adebayo Eze Nwosu Asante Ogunleye Danso "
        "Appiah Obi Afolabi Bello Nwachukwu Acheampong Okoro Balogun",
    ),
    "french": (
        "Camille Léa Chloé Manon Élodie Juliette Margaux Amélie Inès Céline Mathilde Pauline "
        "Nathalie Geneviève",
        "Louis Hugo Antoine Julien Maxime Nicolas Théo Mathieu Pierre Étienne Olivier "
        "Guillaume Sébastien François",
        "Martin Bernard Dubois Leroy Moreau Laurent Lefebvre Roux Fournier Girard Bonnet "
        "Tremblay Gagnon Bouchard Côté Gauthier Lavoie Pelletier Bélanger Mercier",
    ),
    "polish": (
        "Agnieszka Katarzyna Magdalena Aleksandra Zofia Natalia Joanna Monika Ewa Olena Daria "
        "Alina Ivana Ioana",
        "Piotr Tomasz Paweł Krzysztof Jakub Michał Marek Andrzej Bartosz Dmytro Oleksandr "
        "Mihai Andrei Luka",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
        "Woźniak Kovalenko Shevchenko Popescu Ionescu Horvat Novak Dvořák Kovács Nagy Petrov",
    ),
    "arabic": (
        "Layla Yasmin Nour Leila Mariam Huda Salma Rania Hana Dina Amal Lina Sara Reem",
        "Omar Youssef Karim Ahmed Hassan Ali Tariq Khaled Samir Rami Nabil Bilal Hamza Mostafa",
        "Haddad Khoury Mansour Nasser Saleh Hamdan Aziz Farouk Karam Darwish Sabbagh Shaheen "
        "Najjar Issa Khalil Mahmoud Othman Younes",
    ),
}

# Ethnicity by name origin (weights), as people would self-describe in a survey.
_ETHNICITY: dict[str, dict[str, int]] = {
    "anglo": {"White": 76, "Black": 10, "Mixed or multiple": 8, "East Asian": 3,
              "South Asian": 3},
    "german": {"White": 90, "Mixed or multiple": 6, "Middle Eastern or North African": 4},
    "lusophone": {"White": 68, "Mixed or multiple": 20, "Black": 12},
    "hispanic": {"Hispanic or Latino": 92, "Mixed or multiple": 8},
    "south_asian": {"South Asian": 96, "Mixed or multiple": 4},
    "chinese": {"East Asian": 96, "Mixed or multiple": 4},
    "malay_filipino": {"Southeast Asian": 95, "Mixed or multiple": 5},
    "west_african": {"Black": 94, "Mixed or multiple": 6},
    "french": {"White": 82, "Black": 8, "Middle Eastern or North African": 6,
               "Mixed or multiple": 4},
    "polish": {"White": 98, "Mixed or multiple": 2},
    "arabic": {"Middle Eastern or North African": 94, "Mixed or multiple": 6},
}  # fmt: skip

# Languages that go with a name origin: (language, probability).
_ORIGIN_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "anglo": (),
    "german": (("German", 0.9),),
    "lusophone": (("Portuguese", 0.92),),
    "hispanic": (("Spanish", 0.85),),
    "south_asian": (("Hindi", 0.5), ("Tamil", 0.15), ("Telugu", 0.12), ("Bengali", 0.1)),
    "chinese": (("Mandarin", 0.55), ("Cantonese", 0.15)),
    "malay_filipino": (("Malay", 0.5), ("Tagalog", 0.3)),
    "west_african": (("Yoruba", 0.3), ("Igbo", 0.2), ("Twi", 0.2), ("French", 0.1)),
    "french": (("French", 0.95),),
    "polish": (("Polish", 0.6), ("Ukrainian", 0.2), ("Romanian", 0.1)),
    "arabic": (("Arabic", 0.85), ("French", 0.2)),
}
_SCHOOL_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("Spanish", 0.08), ("French", 0.08), ("German", 0.04), ("Italian", 0.03), ("Japanese", 0.02),
)  # fmt: skip

# Age (at the anchor date) and tenure in years by level.
_AGE: dict[int, tuple[int, int]] = {
    1: (21, 28), 2: (22, 31), 3: (24, 35), 4: (27, 42), 5: (29, 52),
    6: (31, 56), 7: (35, 60), 8: (42, 63), 9: (47, 64), 10: (59, 64),
}  # fmt: skip
# The CEO founded the company (hire dates never precede FOUNDED).
_TENURE: dict[int, tuple[float, float]] = {
    1: (0.05, 2.0), 2: (0.2, 4.0), 3: (0.5, 6.0), 4: (1.0, 9.0), 5: (1.5, 11.0),
    6: (2.0, 13.0), 7: (2.0, 15.0), 8: (3.0, 16.0), 9: (2.0, 17.0), 10: (19.0, 19.0),
}  # fmt: skip
_IC_LEVELS = (1, 2, 3, 4)
_IC_LEVEL_WEIGHTS = (20, 32, 28, 20)


@dataclass(frozen=True)
class _Group:
    name: str
    description: str


RESOURCE_GROUPS: tuple[_Group, ...] = (
    _Group("Women in Tech", "Women and allies building careers in technical roles."),
    _Group("Pride Network", "LGBTQ+ colleagues and allies."),
    _Group("Black Professionals Network", "Black colleagues, their careers and their allies."),
    _Group("Early Careers Network", "Graduates, apprentices and everyone in their first jobs."),
    _Group("Parents & Carers", "Balancing work with caring for children or relatives."),
    _Group("Neurodiversity Alliance", "Neurodivergent colleagues and allies."),
    _Group("Veterans Network", "Former service members and their families."),
    _Group("Disability & Wellbeing", "Disabled colleagues, long-term conditions and wellbeing."),
)

_DIGITAL = Skill.Category.DIGITAL
_TECH = Skill.Category.TECHNOLOGY
_SOCIAL = Skill.Category.SOCIAL
_CULTURE = Skill.Category.CULTURE
_LEAD = Skill.Category.LEADERSHIP

# name, category, aliases, description
SKILLS: tuple[tuple[str, Skill.Category, tuple[str, ...], str], ...] = (
    ("Generative AI tools", _DIGITAL, ("genai", "chatgpt", "ai tools", "copilot"),
     "Using AI assistants for writing, research and analysis, and knowing their limits."),
    ("Prompt engineering", _DIGITAL, ("prompting", "prompt design"),
     "Asking AI models for what you need, with context, examples and checks."),
    ("Figma", _DIGITAL, ("figjam", "design tools"), "Reading and commenting on designs."),
    ("Notion", _DIGITAL, ("wikis", "notion docs"), "Shared docs, wikis and lightweight databases."),
    ("Slack etiquette", _DIGITAL, ("slack", "chat etiquette", "emoji reactions"),
     "Channels, threads, reactions and when a message should be a meeting."),
    ("Online whiteboarding", _DIGITAL, ("miro", "mural"), "Running workshops on a shared canvas."),
    ("Low-code automation", _DIGITAL, ("no-code", "zapier", "power automate"),
     "Automating routine work without writing code."),
    ("Data visualisation", _DIGITAL, ("dataviz", "dashboards", "charts"),
     "Charts and dashboards that answer a question at a glance."),
    ("Spreadsheet modelling", _DIGITAL, ("excel", "google sheets"),
     "Formulas, pivot tables and models that others can follow."),
    ("Mobile video editing", _DIGITAL, ("capcut", "video editing"),
     "Shooting and editing short videos on a phone."),
    ("Cybersecurity hygiene", _DIGITAL, ("phishing", "passwords", "mfa"),
     "Passkeys, phishing, multi-factor authentication and safe sharing."),
    ("Artificial intelligence trends", _TECH, ("ai", "machine learning", "llms"),
     "What large language models change for products, jobs and risk."),
    ("Cloud computing basics", _TECH, ("cloud", "aws", "azure", "saas"),
     "What runs where, what it costs and why it matters."),
    ("Web3 and blockchain", _TECH, ("crypto", "blockchain", "nft"),
     "Separating the useful ideas from the hype."),
    ("Data privacy", _TECH, ("gdpr", "privacy"), "Personal data, consent and trust."),
    ("Extended reality", _TECH, ("vr", "ar", "metaverse", "mixed reality"),
     "Virtual and augmented reality at work and in products."),
    ("Sustainable tech", _TECH, ("green it", "climate tech"),
     "The carbon cost of computing and technology for the climate."),
    ("Creator economy", _TECH, ("creators", "influencers"),
     "How independent creators earn, and how brands work with them."),
    ("Digital payments", _TECH, ("fintech", "buy now pay later", "mobile wallets"),
     "How a younger generation pays, saves and invests."),
    ("TikTok", _SOCIAL, ("tiktok trends", "short video", "fyp"),
     "How the feed works, what travels and how brands show up."),
    ("Instagram Reels", _SOCIAL, ("reels", "instagram"), "Short video on Instagram."),
    ("LinkedIn personal branding", _SOCIAL, ("linkedin", "personal brand", "thought leadership"),
     "Posting as yourself: voice, frequency and what to avoid."),
    ("YouTube", _SOCIAL, ("youtube shorts", "video channel"), "Long and short video channels."),
    ("Podcasting", _SOCIAL, ("podcasts", "audio"), "Listening habits and making a show."),
    ("Social listening", _SOCIAL, ("brand monitoring", "sentiment"),
     "Hearing what customers and candidates say about us online."),
    ("Online communities", _SOCIAL, ("discord", "reddit", "communities"),
     "Where people gather online, and how to take part respectfully."),
    ("Hybrid work norms", _CULTURE, ("hybrid", "remote-first", "office days"),
     "Making hybrid fair: meetings, presence and visibility."),
    ("Gen Z workplace expectations", _CULTURE, ("gen z", "younger workforce"),
     "What early-career colleagues want from work, managers and employers."),
    ("Inclusive language", _CULTURE, ("inclusive writing", "pronouns"),
     "Words that welcome people in, and the ones that shut them out."),
    ("Remote collaboration", _CULTURE, ("async work", "distributed teams"),
     "Working across time zones without endless meetings."),
    ("Psychological safety", _CULTURE, ("speaking up", "safe teams"),
     "Teams where people can ask, disagree and admit mistakes."),
    ("Mental health at work", _CULTURE, ("wellbeing", "burnout"),
     "Noticing strain, talking about it and setting boundaries."),
    ("Neurodiversity awareness", _CULTURE, ("neuroinclusion", "adhd", "autism"),
     "Designing work so that different minds can do their best."),
    ("Feedback culture", _CULTURE, ("giving feedback", "upward feedback"),
     "Asking for and giving feedback up, down and across."),
    ("Strategic thinking", _LEAD, ("strategy", "big picture"),
     "Seeing how the pieces fit and choosing what not to do."),
    ("Executive communication", _LEAD, ("exec presence", "storytelling"),
     "Saying the important thing first, to a busy senior audience."),
    ("Career navigation", _LEAD, ("career planning", "promotion"),
     "How careers really move, and how to ask for what you want."),
    ("Stakeholder management", _LEAD, ("influencing", "managing up"),
     "Getting things done with people you do not manage."),
    ("Leading change", _LEAD, ("change management", "transformation"),
     "Helping people through change they did not choose."),
    ("Networking", _LEAD, ("relationship building", "mentoring"),
     "Building relationships before you need them."),
    ("Coaching skills", _LEAD, ("coaching", "active listening"),
     "Helping someone find their own answer."),
)  # fmt: skip


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
            first = rng.choice(women.split())
        else:
            first = rng.choice(men.split())
        last = rng.choice(families.split())
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
