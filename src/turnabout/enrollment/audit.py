from django.db import models


class EnrollmentEvent(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", "Application submitted"
    APPLICATION_RESUBMITTED = "application.resubmitted", "Application resubmitted"
    APPLICATION_UPDATED = "application.updated", "Application updated"
    APPLICATION_WITHDRAWN = "application.withdrawn", "Application withdrawn"
    APPLICATION_DECIDED = "application.decided", "Application decided"
    QUESTION_ADDED = "question.added", "Custom question added"
    QUESTION_REMOVED = "question.removed", "Custom question removed"
