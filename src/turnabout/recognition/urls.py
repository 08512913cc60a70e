from django.urls import path

from turnabout.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("pairs/<int:mentorship_pk>/story/", views.story_edit, name="story_edit"),
    path("stories/<int:story_pk>/consent/", views.story_consent, name="story_consent"),
    path("stories/<int:story_pk>/publish/", views.story_publish, name="story_publish"),
    path("certificates/<int:certificate_pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<int:certificate_pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("cohorts/<int:cohort_pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:cohort_pk>/certificates/", views.certificates_issue, name="issue"),
]
