from django.db import models


class EngagementEvent(models.TextChoices):
    AGREEMENT_UPDATED = "agreement.updated", "Agreement updated"
    AGREEMENT_SIGNED = "agreement.signed", "Agreement signed"
    SESSION_SCHEDULED = "session.scheduled", "Session scheduled"
    SESSION_UPDATED = "session.updated", "Session updated"
    SESSION_CANCELLED = "session.cancelled", "Session cancelled"
    SESSION_LOGGED = "session.logged", "Session logged"
    GOAL_UPDATED = "goal.updated", "Goal updated"
    MILESTONE_ADDED = "goal.milestone_added", "Milestone added"
    MILESTONE_DONE = "goal.milestone_done", "Milestone done or reopened"
    LEARNING_ADDED = "learning.added", "Learning entry added"
    REFLECTION_ADDED = "reflection.added", "Private reflection written"
    REFLECTION_DELETED = "reflection.deleted", "Private reflection deleted"
    REMINDERS_SENT = "reminders.sent", "Reminders queued"
