"""The built-in survey templates a manager adds in one click (and may then edit).

Each is data: the survey's settings and its questions. `key` gives a question its meaning
for the metrics and pair health (`feedback.metrics`), whatever the manager rewords.
The wording is stored in the survey when it is created (in the manager's language).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from turnabout.feedback import metrics
from turnabout.feedback.models import Question, Survey

K = Question.Kind

OBSTACLES = [
    _("Time"),
    _("Cancellations"),
    _("Resistance or defensiveness"),
    _("Feeling unheard or disrespected"),
    _("Unclear goals"),
    _("Nothing"),
]


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: Any
    key: str = ""
    required: bool = True
    options: list[Any] = field(default_factory=list)
    help_text: Any = ""
    topics: bool = False  # options are the program's topics


@dataclass(frozen=True)
class TemplateSpec:
    template: str
    title: Any
    intro: Any
    mode: str
    trigger: str
    questions: list[QuestionSpec]
    audience: str = Survey.Audience.BOTH
    weeks: int = 4


TEMPLATES: dict[str, TemplateSpec] = {
    spec.template: spec
    for spec in [
        TemplateSpec(
            Survey.Template.PAIRING_FIT,
            _("Pairing fit"),
            _("One question after your first session: how does your pairing feel so far?"),
            Survey.Mode.PAIR,
            Survey.Trigger.FIRST_SESSION,
            [
                QuestionSpec(
                    K.SINGLE,
                    _("After your first session, how does your pairing feel?"),
                    key=metrics.KEY_FIT,
                    options=list(metrics.FIT_OPTIONS),
                    help_text=_(
                        "If it is not a good fit, the program team gets in touch and the "
                        "mentee can ask for a new match."
                    ),
                ),
                QuestionSpec(
                    K.LONG_TEXT,
                    _("Anything the program team should know?"),
                    key="fit_note",
                    required=False,
                ),
            ],
        ),
        TemplateSpec(
            Survey.Template.PULSE,
            _("Monthly pulse"),
            _("Thirty seconds, once a month: how is it going with your partner?"),
            Survey.Mode.PAIR,
            Survey.Trigger.RECURRING,
            [
                QuestionSpec(
                    K.RATING,
                    _("How is it going with your partner?"),
                    key=metrics.KEY_PULSE,
                    help_text=_("1: not at all well, 10: very well."),
                ),
                QuestionSpec(
                    K.MULTIPLE,
                    _("What got in the way this month?"),
                    key=metrics.KEY_OBSTACLES,
                    options=OBSTACLES,
                    required=False,
                ),
                QuestionSpec(K.LONG_TEXT, _("Anything else?"), key="pulse_note", required=False),
            ],
            weeks=4,
        ),
        TemplateSpec(
            Survey.Template.MIDPOINT,
            _("Mid-point check-in"),
            _("Halfway through: what works, and what would make the second half better?"),
            Survey.Mode.CONFIDENTIAL,
            Survey.Trigger.WEEKS_AFTER_START,
            [
                QuestionSpec(K.LIKERT, _("We meet as often as we planned."), key="cadence"),
                QuestionSpec(K.LIKERT, _("I am learning something useful."), key="learning"),
                QuestionSpec(K.LIKERT, _("My partner listens to me."), key="listened"),
                QuestionSpec(
                    K.RATING, _("How much progress have you made on your goals?"), key="progress"
                ),
                QuestionSpec(
                    K.LONG_TEXT,
                    _("What would make the second half better?"),
                    key="midpoint_note",
                    required=False,
                ),
            ],
            weeks=12,
        ),
        TemplateSpec(
            Survey.Template.FINAL,
            _("Final evaluation"),
            _("The program is wrapping up: tell us how it went, and what it changed."),
            Survey.Mode.CONFIDENTIAL,
            Survey.Trigger.PHASE_WRAPPING_UP,
            [
                QuestionSpec(
                    K.LIKERT,
                    _("Overall, I am satisfied with the program."),
                    key=metrics.KEY_SATISFACTION,
                ),
                QuestionSpec(K.LIKERT, _("I would do it again."), key=metrics.KEY_AGAIN),
                QuestionSpec(
                    K.NPS,
                    _("How likely are you to recommend the program to a colleague?"),
                    key=metrics.KEY_NPS,
                ),
                QuestionSpec(
                    K.LONG_TEXT, _("What changed in how you work?"), key="changed", required=False
                ),
                QuestionSpec(
                    K.SINGLE,
                    _("May the program team contact you about sharing your story?"),
                    key="story_optin",
                    options=[_("Yes"), _("No")],
                    required=False,
                ),
            ],
        ),
        TemplateSpec(
            Survey.Template.SELF_ASSESSMENT,
            _("Skill self-assessment"),
            _(
                "Rate yourself on each topic of the program, from 1 (new to me) to 5 (I could "
                "teach it). We ask again at the end, so you can see how far you came."
            ),
            Survey.Mode.CONFIDENTIAL,
            Survey.Trigger.PRE_POST,
            [
                QuestionSpec(
                    K.SKILL_GRID,
                    _("How confident are you with each topic?"),
                    key=metrics.KEY_SKILLS,
                    topics=True,
                ),
                QuestionSpec(
                    K.LONG_TEXT,
                    _("What do you most want to get better at?"),
                    key="focus",
                    required=False,
                ),
            ],
        ),
    ]
}

# Keys whose options the metrics read: the options cannot be edited.
LOCKED_OPTION_KEYS = frozenset({metrics.KEY_FIT})
