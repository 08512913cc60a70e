from django.db import models


class PairingEvent(models.TextChoices):
    RUN_STARTED = "match_run.started", "Match run started"
    RUN_FINISHED = "match_run.finished", "Match run finished"
    RUN_FAILED = "match_run.failed", "Match run failed"
    RUN_PUBLISHED = "match_run.published", "Match run published"
    PROPOSAL_LOCKED = "proposal.locked", "Proposal locked"
    PROPOSAL_UNLOCKED = "proposal.unlocked", "Proposal unlocked"
    PROPOSAL_REMOVED = "proposal.removed", "Proposal removed"
    PROPOSAL_MANUAL = "proposal.manual", "Pair made by hand"
    CONSTRAINT_OVERRIDDEN = "proposal.override", "Hard constraint overridden"
    PAIR_EXCLUDED = "pair.excluded", "Pair excluded from future runs"
    MENTORSHIP_ACCEPTED = "mentorship.accepted", "Mentorship accepted"
    MENTORSHIP_ACTIVATED = "mentorship.activated", "Mentorship active"
    MENTORSHIP_DECLINED = "mentorship.declined", "Mentorship declined"
    MENTORSHIP_ENDED = "mentorship.ended", "Mentorship ended early"
