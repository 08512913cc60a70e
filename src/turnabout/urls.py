from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from turnabout.api import api
from turnabout.api import not_found as api_not_found
from turnabout.me import views as me_views

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
    path("surveys/", include("turnabout.feedback.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Every other /api/ path: a JSON 404 (after the API's own routes).
    re_path(r"^api/", csrf_exempt(api_not_found), name="api_not_found"),
]
