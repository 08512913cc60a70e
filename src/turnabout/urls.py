from django.contrib import admin
from django.urls import include, path

from turnabout.api import api
from turnabout.common import views as common_views

admin.site.site_header = "Turnabout administration"
admin.site.site_title = "Turnabout"

urlpatterns = [
    path("", common_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("turnabout.accounts.urls")),
    path("people/", include("turnabout.people.urls")),
    path("audit/", include("turnabout.common.urls")),
    path("programs/", include("turnabout.programs.urls")),
    path("", include("turnabout.enrollment.urls")),
    path("pairing/", include("turnabout.pairing.urls")),
    path("engagement/", include("turnabout.engagement.urls")),
    path("surveys/", include("turnabout.feedback.urls")),
    path("insights/", include("turnabout.insights.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
