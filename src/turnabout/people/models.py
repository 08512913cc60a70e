"""Employees from the HR system, their reporting line, resource groups and the skills catalogue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from turnabout.common.models import TimeStampedModel


class ResourceGroup(TimeStampedModel):
    """An employee resource group (ERG), e.g. "Women in Tech" or "Pride Network"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEAVE = "leave", _("On leave")
        TERMINATED = "terminated", _("Terminated")

    EMPLOYEE_ID_MAX = 64
    DEPARTMENT_MAX = 120
    LOCATION_MAX = 120
    LEVEL_MIN, LEVEL_MAX = 1, 99

    employee_id = models.CharField(_("employee id"), max_length=EMPLOYEE_ID_MAX, unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(
        _("department"), max_length=DEPARTMENT_MAX, blank=True, db_index=True
    )
    location = models.CharField(_("location"), max_length=LOCATION_MAX, blank=True, db_index=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    level = models.PositiveSmallIntegerField(
        _("level"), help_text=_("Job grade; higher is more senior."), db_index=True
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("manager"),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    termination_date = models.DateField(_("termination date"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    resource_groups = models.ManyToManyField(
        ResourceGroup, blank=True, related_name="members", verbose_name=_("resource groups")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    class Meta:
        ordering = ["last_name", "first_name", "employee_id"]
        # The people list's pages (keyset on name, then id).
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="employee_name_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="employee_level_positive"),
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")), name="employee_not_own_manager"
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(termination_date__isnull=False),
                name="employee_terminated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SensitiveAttributes(TimeStampedModel):
    """Optional, consented attributes kept apart from the employee record.

    Used only in aggregates (group sizes of at least TURNABOUT_MIN_GROUP_SIZE) and in the
    diversity criterion of matching when a program enables it.
    """

    class Generation(models.TextChoices):
        BABY_BOOMER = "baby_boomer", _("Baby boomer (1946-1964)")
        GEN_X = "gen_x", _("Generation X (1965-1980)")
        MILLENNIAL = "millennial", _("Millennial (1981-1996)")
        GEN_Z = "gen_z", _("Generation Z (1997-2012)")

    employee = models.OneToOneField(
        Employee, primary_key=True, on_delete=models.CASCADE, related_name="sensitive"
    )
    consent_given_at = models.DateTimeField(_("consent given at"))
    generation = models.CharField(
        _("generation"), max_length=16, choices=Generation.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=64, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=120, blank=True)

    class Meta:
        verbose_name_plural = _("sensitive attributes")

    def __str__(self) -> str:
        return f"Sensitive attributes of {self.employee_id}"


class Skill(TimeStampedModel):
    """An entry of the skills catalogue used by profiles, sessions and learning logs."""

    class Category(models.TextChoices):
        DIGITAL = "digital", _("Digital tools")
        TECHNOLOGY = "technology", _("Technology trends")
        SOCIAL = "social", _("Social media")
        CULTURE = "culture", _("Workplace culture")
        LEADERSHIP = "leadership", _("Leadership and perspective")

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name
