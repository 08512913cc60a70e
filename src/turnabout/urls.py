from allauth.account import views as allauth_views
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from turnabout.api import api
from turnabout.api import not_found as api_not_found
from turnabout.common import health
from turnabout.me import views as me_views
from turnabout.recognition import views as recognition_views

admin.site.site_header = "Turnabout administration"
admin.site.site_title = "Turnabout"

urlpatterns = [
    path("", me_views.home, name="home"),
    path("", include("turnabout.me.urls")),
    path("health/", health.health, name="health"),
    # Sign-in is django-allauth's (throttled, SSO, TOTP). The old addresses and URL names
    # (`login`, `logout`, `password_reset`) lead to its views; Django's own auth URLs stay
    # for the set-your-password links of invitations (`password_reset_confirm`).
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/password_reset/", allauth_views.password_reset, name="password_reset"),
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
    ),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("turnabout.accounts.urls")),
    path("people/", include("turnabout.people.urls")),
    path("audit/", include("turnabout.accounts.audit_urls")),
    path("programs/", include("turnabout.programs.urls")),
    path("", include("turnabout.enrollment.urls")),
    path("pairing/", include("turnabout.pairing.urls")),
    path("engagement/", include("turnabout.engagement.urls")),
    path("learning/", include("turnabout.learning.urls")),
    path("recognition/", include("turnabout.recognition.urls")),
    path(
        "certificates/<str:code>/",
        recognition_views.certificate_verify,
        name="certificate_verify",
    ),
    path("surveys/", include("turnabout.feedback.urls")),
    path("integrations/", include("turnabout.integrations.urls")),
    path("insights/", include("turnabout.insights.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Every other /api/ path: a JSON 404 (after the API's own routes).
    re_path(r"^api/", csrf_exempt(api_not_found), name="api_not_found"),
]
