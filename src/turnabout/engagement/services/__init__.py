"""Writes on a pair's engagement: agreement, sessions, goals, learning, reflections, reminders.

Every function checks permission through `engagement.permissions`, writes in one
transaction, records an audit event and sends side effects (emails with calendar invites,
reminders) after commit. Audit entries name the fields that changed, never private text:
the audit log is read by org admins, who must not see an agreement's goals or a reflection.

One module per capability; this package re-exports their public names, so callers keep
writing `from turnabout.engagement import services`.
"""

from turnabout.engagement.services._shared import MAX_TEXT
from turnabout.engagement.services.agreements import (
    AGREEMENT_TEXT_FIELDS,
    AgreementInput,
    GoalInput,
    agreement_save,
    agreement_sign,
)
from turnabout.engagement.services.goals import goal_update, milestone_add, milestone_set_done
from turnabout.engagement.services.journal import (
    MAX_REFLECTION,
    learning_add,
    reflection_add,
    reflection_delete,
)
from turnabout.engagement.services.reminders import (
    LOG_AFTER,
    LOG_WINDOW,
    UNSIGNED_AFTER,
    TickResult,
    reminder_mark_sent,
    reminders_due,
    reminders_run,
)
from turnabout.engagement.services.sessions import (
    MAX_AHEAD,
    OUTCOME_PRIORITY,
    session_cancel,
    session_log,
    session_schedule,
    session_update,
)

__all__ = [
    "AGREEMENT_TEXT_FIELDS",
    "LOG_AFTER",
    "LOG_WINDOW",
    "MAX_AHEAD",
    "MAX_REFLECTION",
    "MAX_TEXT",
    "OUTCOME_PRIORITY",
    "UNSIGNED_AFTER",
    "AgreementInput",
    "GoalInput",
    "TickResult",
    "agreement_save",
    "agreement_sign",
    "goal_update",
    "learning_add",
    "milestone_add",
    "milestone_set_done",
    "reflection_add",
    "reflection_delete",
    "reminder_mark_sent",
    "reminders_due",
    "reminders_run",
    "session_cancel",
    "session_log",
    "session_schedule",
    "session_update",
]
