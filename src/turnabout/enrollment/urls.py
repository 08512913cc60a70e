"""Applicants' pages under /applications/; the managers' review under /programs/cohorts/."""

from django.urls import path

from turnabout.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("applications/join/", views.join, name="join"),
    path("applications/apply/<int:cohort_pk>/<str:role>/", views.apply, name="apply"),
    path("applications/<int:application_pk>/", views.application_detail, name="detail"),
    path("applications/<int:application_pk>/edit/", views.application_edit, name="edit"),
    path(
        "applications/<int:application_pk>/withdraw/",
        views.application_withdraw,
        name="withdraw",
    ),
    path("applications/<int:application_pk>/decide/", views.application_decide, name="decide"),
    path("programs/cohorts/<int:cohort_pk>/applications/", views.review, name="review"),
    path(
        "programs/cohorts/<int:cohort_pk>/applications/decide/",
        views.review_bulk,
        name="review_bulk",
    ),
    path("programs/cohorts/<int:cohort_pk>/questions/", views.question_add, name="question_add"),
    path(
        "programs/cohorts/<int:cohort_pk>/questions/<int:question_pk>/remove/",
        views.question_remove,
        name="question_remove",
    ),
]
