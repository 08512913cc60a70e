from django.urls import path

from turnabout.people import import_views, views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("import/", import_views.people_import, name="import"),
    path("import/template.csv", import_views.people_import_template, name="import_template"),
    path("<int:employee_pk>/", views.person_detail, name="detail"),
    path("<int:employee_pk>/invite/", views.person_invite, name="invite"),
]
