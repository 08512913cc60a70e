from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "turnabout.people"
    verbose_name = "People"
