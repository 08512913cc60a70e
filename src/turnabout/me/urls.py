"""The participant's pages keep their addresses: the hub at /engagement/, the applications
at /applications/ and the match at /pairing/me/ (the home page is the root URL, "home")."""

from django.urls import path

from turnabout.me import views

app_name = "me"
urlpatterns = [
    path("engagement/", views.hub, name="hub"),
    path("applications/", views.applications, name="applications"),
    path("pairing/me/", views.matches, name="matches"),
]
