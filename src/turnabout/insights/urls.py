from django.urls import path

from turnabout.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:program_pk>/", views.dashboard_program, name="program"),
    path("cohorts/<int:cohort_pk>/", views.dashboard_cohort, name="cohort"),
    path("kpis/<int:objective_pk>/", views.kpi_detail, name="kpi"),
    path("kpis/<int:objective_pk>/values", views.manual_value_add, name="kpi_value_add"),
    path("health/", views.health_all, name="health_all"),
    path("programs/<int:program_pk>/health/", views.health_list, name="health"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/notes", views.note_add, name="note_add"),
    path("pairs/<int:pk>/snooze", views.snooze, name="snooze"),
    path("pairs/<int:pk>/rematch", views.rematch, name="rematch"),
    path("programs/<int:program_pk>/groups/", views.groups, name="groups"),
    path("cohorts/<int:cohort_pk>/retention/", views.retention_view, name="retention"),
    path("programs/<int:program_pk>/compare/", views.compare_view, name="compare"),
    path("programs/<int:program_pk>/lessons/", views.lessons_view, name="lessons"),
    path("programs/<int:program_pk>/lessons/apply", views.lessons_apply, name="lessons_apply"),
    path("programs/<int:program_pk>/exports/", views.exports_page, name="exports"),
    path(
        "programs/<int:program_pk>/exports/<slug:table>.<str:fmt>",
        views.export,
        name="export",
    ),
    path("report.pdf", views.report, name="report"),
]
