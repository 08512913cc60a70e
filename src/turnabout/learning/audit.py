from django.db import models


class LearningEvent(models.TextChoices):
    CURRICULUM_INSTALLED = "learning.curriculum_installed", "Starter curriculum installed"
    MODULE_CREATED = "learning.module_created", "Training module created"
    MODULE_UPDATED = "learning.module_updated", "Training module updated"
    MODULE_RETIRED = "learning.module_retired", "Training module retired or restored"
    MODULE_DELETED = "learning.module_deleted", "Training module deleted (nobody had started it)"
    STEP_CREATED = "learning.step_created", "Training step created"
    STEP_UPDATED = "learning.step_updated", "Training step updated"
    STEP_DELETED = "learning.step_deleted", "Training step deleted"
    STEP_COMPLETED = "learning.step_completed", "Training step completed"
    GATE_CHANGED = "learning.gate_changed", "Readiness gate switched"
    GUIDELINES_ACKNOWLEDGED = "learning.guidelines_acknowledged", "Guidelines acknowledged"
    RESOURCE_CREATED = "learning.resource_created", "Resource created"
    RESOURCE_UPDATED = "learning.resource_updated", "Resource updated"
    RESOURCE_RETIRED = "learning.resource_retired", "Resource retired or restored"
    GUIDE_CREATED = "learning.guide_created", "Conversation guide created"
    GUIDE_UPDATED = "learning.guide_updated", "Conversation guide updated"
    GUIDE_RETIRED = "learning.guide_retired", "Conversation guide retired or restored"
    READINESS_REMINDERS = "learning.readiness_reminders", "Training reminders queued"
