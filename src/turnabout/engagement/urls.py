from django.urls import path

from turnabout.engagement import views

app_name = "engagement"
urlpatterns = [
    path("pairs/<int:mentorship_pk>/", views.pair, name="pair"),
    path("pairs/<int:mentorship_pk>/agreement/", views.agreement, name="agreement"),
    path("pairs/<int:mentorship_pk>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("pairs/<int:mentorship_pk>/sessions/", views.sessions, name="sessions"),
    path("pairs/<int:mentorship_pk>/sessions/new/", views.session_new, name="session_new"),
    path("pairs/<int:mentorship_pk>/learning/", views.learning, name="learning"),
    path("sessions/<int:session_pk>/", views.session_page, name="session"),
    path("sessions/<int:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_pk>/log/", views.session_log, name="session_log"),
    path("sessions/<int:session_pk>/invite.ics", views.session_ics_download, name="session_ics"),
    path("goals/<int:goal_pk>/", views.goal, name="goal"),
    path("goals/<int:goal_pk>/update/", views.goal_update, name="goal_update"),
    path("goals/<int:goal_pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_pk>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("journal/", views.reflections, name="reflections"),
    path("journal/<int:reflection_pk>/delete/", views.reflection_delete, name="reflection_delete"),
    path("programs/", views.programs, name="programs"),
    path("programs/<int:program_pk>/", views.program, name="program"),
]
