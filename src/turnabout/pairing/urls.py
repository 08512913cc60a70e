from django.urls import path

from turnabout.pairing import views

app_name = "pairing"
urlpatterns = [
    path("", views.index, name="index"),
    path("cohorts/<int:cohort_pk>/", views.cohort_page, name="cohort"),
    path("cohorts/<int:cohort_pk>/runs/", views.run_start, name="start"),
    path("cohorts/<int:cohort_pk>/pairs/", views.mentorships, name="mentorships"),
    path("runs/compare/", views.compare, name="compare"),
    path("runs/<int:run_pk>/", views.run_page, name="run"),
    path("runs/<int:run_pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_pk>/check/", views.pair_check, name="pair_check"),
    path("runs/<int:run_pk>/pair/", views.pair_manual, name="pair_manual"),
    path("runs/<int:run_pk>/people/", views.person_search, name="person_search"),
    path("runs/<int:run_pk>/rerun/", views.run_rerun, name="rerun"),
    path("runs/<int:run_pk>/publish/", views.run_publish, name="publish"),
    path("proposals/<int:proposal_pk>/lock/", views.proposal_lock, name="lock"),
    path("proposals/<int:proposal_pk>/remove/", views.proposal_remove, name="remove"),
    path("proposals/<int:proposal_pk>/exclude/", views.proposal_exclude, name="exclude"),
    path("pairs/<int:mentorship_pk>/", views.mentorship_page, name="mentorship"),
    path("pairs/<int:mentorship_pk>/accept/", views.mentorship_accept, name="accept"),
    path("pairs/<int:mentorship_pk>/decline/", views.mentorship_decline, name="decline"),
    path("pairs/<int:mentorship_pk>/end/", views.mentorship_end, name="end"),
]
