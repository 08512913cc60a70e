from django.urls import path

from turnabout.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("answer/<int:invitation_pk>/", views.answer, name="answer"),
    path("fit/<int:flag_pk>/", views.fit_flag, name="fit_flag"),
    path("cohorts/<int:cohort_pk>/", views.cohort_surveys, name="cohort"),
    path("cohorts/<int:cohort_pk>/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:survey_pk>/", views.survey_page, name="survey"),
    path("surveys/<int:survey_pk>/preview/", views.survey_preview, name="preview"),
    path("surveys/<int:survey_pk>/open/", views.survey_open, name="open"),
    path("surveys/<int:survey_pk>/close/", views.survey_close, name="close"),
    path("surveys/<int:survey_pk>/questions/", views.question_new, name="question_new"),
    path("questions/<int:question_pk>/", views.question_edit, name="question"),
    path("questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("surveys/<int:survey_pk>/results/", views.results, name="results"),
    path("surveys/<int:survey_pk>/results.<str:fmt>", views.export, name="export"),
    path("flags/<int:flag_pk>/resolve/", views.fit_flag_resolve, name="fit_flag_resolve"),
]
