"""Background work of insights: the managers' daily digest and re-match offers.

Each task fetches its rows by id, renders a template through `common.email`, sends.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task


@task()
def digest_email(digest_id: int) -> None:
    """Send one manager's daily digest of pairs whose health changed, then mark it sent."""
    from turnabout.common.email import absolute_url, send_templated_email
    from turnabout.insights.health import SIGNALS
    from turnabout.insights.models import DigestSent, HealthState, PairHealth
    from turnabout.insights.services import digest_mark_sent

    digest = DigestSent.objects.filter(pk=digest_id, sent_at__isnull=True).first()
    if digest is None:
        return
    manager = get_user_model().objects.filter(pk=digest.manager_id, is_active=True).first()
    if manager is None or not manager.email:
        digest_mark_sent(digest.pk)
        return
    rows = []
    for record in (
        PairHealth.objects.filter(mentorship__in=digest.pairs)
        .select_related("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
        .order_by("-state", "mentorship__cohort__program__name", "mentorship_id")
    ):
        m = record.mentorship
        rows.append(
            {
                "mentor": m.mentor.full_name,
                "mentee": m.mentee.full_name,
                "cohort": str(m.cohort),
                "state": HealthState(record.state).label,
                "at_risk": record.state == HealthState.AT_RISK,
                "reasons": [
                    str(SIGNALS[s["code"]].label) for s in record.signals if s["code"] in SIGNALS
                ],
                "link": absolute_url("insights:pair", m.pk),
            }
        )
    send_templated_email(
        "insights/emails/digest",
        {
            "first_name": manager.first_name or manager.get_username(),
            "rows": rows,
            "count": len(rows),
            "health_link": absolute_url("insights:health_all"),
        },
        to=[manager.email],
    )
    digest_mark_sent(digest.pk)


@task()
def rematch_offer_email(offer_id: int) -> None:
    from turnabout.common.email import absolute_url, send_templated_email
    from turnabout.insights.models import RematchOffer

    offer = (
        RematchOffer.objects.select_related(
            "mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program"
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None:
        return
    m = offer.mentorship
    for person, partner in ((m.mentee, m.mentor), (m.mentor, m.mentee)):
        if not person.email:
            continue
        send_templated_email(
            "insights/emails/rematch_offer",
            {
                "first_name": person.first_name,
                "partner": partner.full_name,
                "program": m.cohort.program.name,
                "message": offer.message,
                "link": absolute_url("pairing:mentorship", m.pk),
            },
            to=[person.email],
        )
