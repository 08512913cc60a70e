from django.db import models


class RecognitionEvent(models.TextChoices):
    BADGES_AWARDED = "recognition.badges_awarded", "Badges awarded by the tick"
    BADGE_AWARDED_BY_HAND = "recognition.badge_awarded", "Recognition badge awarded"
    CERTIFICATE_ISSUED = "recognition.certificate_issued", "Certificate issued"
    CERTIFICATE_REVOKED = "recognition.certificate_revoked", "Certificate revoked"
    STORY_SAVED = "recognition.story_saved", "Success story written or edited"
    STORY_CONSENTED = "recognition.story_consented", "Consent to a story given"
    STORY_WITHDRAWN = "recognition.story_withdrawn", "Consent to a story withdrawn"
    STORY_PUBLISHED = "recognition.story_published", "Success story published"
