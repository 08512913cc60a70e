from django.db import models


class InsightsEvent(models.TextChoices):
    KPI_VALUE_RECORDED = "kpi.value_recorded", "KPI value recorded by hand"
    KPI_SNAPSHOTS_TAKEN = "kpi.snapshots_taken", "KPI snapshots taken"
    CHECKIN_NOTE_ADDED = "pair.checkin_note_added", "Check-in note added"
    SIGNAL_SNOOZED = "pair.signal_snoozed", "Health signal snoozed"
    REMATCH_OFFERED = "pair.rematch_offered", "Re-match offered"
    DIGESTS_SENT = "health.digests_sent", "Pair health digests sent"
    LESSONS_APPLIED = "program.lessons_applied", "Suggested matching weights applied"
    EXPORTED = "insights.exported", "Per-person table exported"
