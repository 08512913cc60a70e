from django.contrib import admin
from django.urls import include, path

from turnabout.api import api
from turnabout.me import views as me_views
from turnabout.recognition import views as recognition_views

admin.site.site_header = "Turnabout administration"
admin.site.site_title = "Turnabout"

urlpatterns = [
    path("", me_views.home, name="home"),
    path("", include("turnabout.me.urls")),
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
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
