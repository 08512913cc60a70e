from django.urls import path

from turnabout.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("<int:program_pk>/", views.program_detail, name="detail"),
    path("<int:program_pk>/edit/", views.program_edit, name="edit"),
    path("<int:program_pk>/objectives/", views.objective_add, name="objective_add"),
    path(
        "<int:program_pk>/objectives/<int:objective_pk>/remove/",
        views.objective_remove,
        name="objective_remove",
    ),
    path("<int:program_pk>/managers/", views.manager_add, name="manager_add"),
    path(
        "<int:program_pk>/managers/<int:user_pk>/remove/",
        views.manager_remove,
        name="manager_remove",
    ),
    path("<int:program_pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:cohort_pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:cohort_pk>/phase/", views.cohort_phase, name="cohort_phase"),
    path("cohorts/<int:cohort_pk>/survey/setup/", views.survey_setup, name="survey_setup"),
    path("cohorts/<int:cohort_pk>/survey/", views.survey_answer, name="survey"),
    path("cohorts/<int:cohort_pk>/about/", views.cohort_public, name="public"),
]
