"""The audit log's page, at /audit/ (its records are written by every app through
`common.audit`; who may read them is an accounts rule)."""

from django.urls import path

from turnabout.accounts import views

app_name = "audit"
urlpatterns = [path("", views.audit_list, name="list")]
