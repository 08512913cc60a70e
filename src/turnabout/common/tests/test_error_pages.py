"""With DEBUG on (as `make run` sets it), visitors still get the product's error pages."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_a_mistyped_url_shows_the_friendly_404_not_the_route_list(client, org_admin):
    client.force_login(org_admin)
    with override_settings(DEBUG=True, TURNABOUT_DEBUG_PAGES=False):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "URLconf" not in body and "api/v1/" not in body


@pytest.mark.django_db
def test_the_technical_page_only_when_asked_for(client, org_admin):
    client.force_login(org_admin)
    with override_settings(DEBUG=True, TURNABOUT_DEBUG_PAGES=True):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
