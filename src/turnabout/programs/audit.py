from django.db import models


class ProgramEvent(models.TextChoices):
    PROGRAM_CREATED = "program.created", "Program created"
    PROGRAM_UPDATED = "program.updated", "Program updated"
    PROGRAM_MANAGER_ADDED = "program.manager_added", "Program manager added"
    PROGRAM_MANAGER_REMOVED = "program.manager_removed", "Program manager removed"
    OBJECTIVES_CHANGED = "program.objectives_changed", "Program objectives changed"
    COHORT_CREATED = "cohort.created", "Cohort created"
    COHORT_UPDATED = "cohort.updated", "Cohort updated"
    COHORT_PHASE_CHANGED = "cohort.phase_changed", "Cohort phase changed"
    SURVEY_UPDATED = "survey.updated", "Interest survey updated"
    # No longer written (an audit row per answer dated it to the microsecond): the per-day
    # count `SurveyDailyCount` replaces it. Kept so old records keep their label.
    SURVEY_ANSWERED = "survey.answered", "Interest survey answered (anonymous)"
