"""The four roles of design.md. Each is a Django group of that name, created by migrations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A Django group name; its label is what people see."""

    COUNSELOR = "counselor", _("Counselor")
    SUPERVISOR = "supervisor", _("Supervisor")
    CITY_STAFF = "city_staff", _("City staff")
    SITE_MANAGER = "site_manager", _("Site manager")

    @property
    def requires_two_factor(self) -> bool:
        """Roles that see what women told us must always sign in with a second factor."""
        return self in (Role.COUNSELOR, Role.SUPERVISOR)


# The NPO's staff work with people's records; a supervisor can do everything a counselor can.
NPO_STAFF = (Role.COUNSELOR, Role.SUPERVISOR)

# Ordered as trust goes: the most trusted role a user holds decides her home page.
BY_TRUST = (Role.SUPERVISOR, Role.COUNSELOR, Role.SITE_MANAGER, Role.CITY_STAFF)
