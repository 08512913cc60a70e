from django.urls import path

from turnabout.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/modules/new/", views.module_create, name="module_create"),
    path("programs/<int:program_pk>/starter/", views.starter_install, name="starter_install"),
    path("programs/<int:program_pk>/gate/", views.gate_set, name="gate_set"),
    path("programs/<int:program_pk>/library/", views.library, name="library"),
    path("programs/<int:program_pk>/library/new/", views.resource_form, name="resource_create"),
    path("programs/<int:program_pk>/guides/new/", views.guide_form, name="guide_create"),
    path("modules/<int:module_pk>/", views.module, name="module"),
    path("modules/<int:module_pk>/edit/", views.module_edit, name="module_edit"),
    path("modules/<int:module_pk>/retire/", views.module_retire, name="module_retire"),
    path("modules/<int:module_pk>/move/", views.module_move, name="module_move"),
    path("modules/<int:module_pk>/steps/new/", views.step_create, name="step_create"),
    path("steps/<int:step_pk>/complete/", views.step_complete, name="step_complete"),
    path("steps/<int:step_pk>/edit/", views.step_edit, name="step_edit"),
    path("steps/<int:step_pk>/delete/", views.step_delete, name="step_delete"),
    path("steps/<int:step_pk>/move/", views.step_move, name="step_move"),
    path("files/<int:file_pk>/", views.file_download, name="file"),
    path("cohorts/<int:cohort_pk>/guidelines/", views.guidelines, name="guidelines"),
    path(
        "cohorts/<int:cohort_pk>/participants/",
        views.cohort_participants,
        name="cohort_participants",
    ),
    path("resources/<int:resource_pk>/", views.resource, name="resource"),
    path("resources/<int:resource_pk>/edit/", views.resource_form, name="resource_edit"),
    path(
        "resources/<int:resource_pk>/<str:action>/", views.resource_action, name="resource_action"
    ),
    path("guides/<int:guide_pk>/", views.guide, name="guide"),
    path("guides/<int:guide_pk>/edit/", views.guide_form, name="guide_edit"),
    path("guides/<int:guide_pk>/<str:action>/", views.guide_action, name="guide_action"),
]
