"""The number of queries of the survey pages does not grow with the number of answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from turnabout.feedback import metrics, services
from turnabout.feedback.models import Invitation

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_hub_and_list_pages_query_a_fixed_number_of_times(client, make_pairs, settings):
    settings.TURNABOUT_MIN_GROUP_SIZE = 3
    p = make_pairs(n=4)
    survey = services.survey_create(p.cohort, template="pulse", acting_user=p.manager)
    services.survey_update(survey, data={"trigger": "manual"}, acting_user=p.manager)
    services.survey_open(survey, acting_user=p.manager)
    pulse = survey.questions.get(key=metrics.KEY_PULSE)
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))

    def answer(batch):
        for inv in batch:
            services.response_save(
                inv, data={str(pulse.pk): 7}, submit=True, acting_user=p.users[inv.person_id]
            )

    answer(invitations[:4])
    client.force_login(p.manager)
    pages = [
        reverse("feedback:results", args=[survey.pk]),
        reverse("feedback:cohort", args=[p.cohort.pk]),
    ]
    few = [_count(client, url) for url in pages]
    client.force_login(p.mentee_user(p.pairs[0]))
    mine_few = _count(client, reverse("feedback:mine"))
    answer(invitations[4:])
    mine_many = _count(client, reverse("feedback:mine"))
    client.force_login(p.manager)
    many = [_count(client, url) for url in pages]
    assert many == few
    assert mine_many == mine_few
