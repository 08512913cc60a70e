from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "turnabout.enrollment"
    verbose_name = _("Enrolment")

    def ready(self) -> None:
        from turnabout.enrollment.cohorts import EnrollmentOfCohorts
        from turnabout.enrollment.permissions import applicants_of_managed_programs
        from turnabout.people.permissions import register_manager_scope
        from turnabout.programs.hooks import register_cohort_applications

        register_cohort_applications(EnrollmentOfCohorts())
        register_manager_scope(applicants_of_managed_programs)
