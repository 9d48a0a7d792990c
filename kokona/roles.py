"""The four roles of design.md, as Django groups, and the one decorator views use to require them."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kokona.models import User


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

    @property
    def home_url_name(self) -> str:
        return {
            Role.COUNSELOR: "consultations:home",
            Role.SUPERVISOR: "consultations:home",
            Role.CITY_STAFF: "reports:home",
            Role.SITE_MANAGER: "supplies:home",
        }[self]


# The NPO's staff work with people's records; a supervisor can do everything a counselor can.
NPO_STAFF = (Role.COUNSELOR, Role.SUPERVISOR)


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let through signed-in users holding one of `roles`; send others to sign in or refuse them.

    A refusal is a 403, which leaves a `denied` audit event (kokona.views.permission_denied).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: User = request.user  # type: ignore[assignment]
            if not user.is_authenticated:
                # Imported here: auth.views needs the user model, which needs this module.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                raise PermissionDenied  # audited by kokona.views.permission_denied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def grant_permissions(apps: Any, grants: dict[Role, list[str]]) -> None:
    """For data migrations: create the groups and give them `app_label.codename` permissions.

    Django creates permissions after all migrations ran; within a migration they are made here
    first, for the apps migrated so far.
    """
    from django.contrib.auth.management import create_permissions
    from django.db.migrations.state import StateApps

    if isinstance(apps, StateApps):
        for app_config in apps.get_app_configs():
            app_config.models_module = True  # type: ignore[assignment]  # create_permissions only checks it is set
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in grants.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke_permissions(apps: Any, grants: dict[Role, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in grants.items():
        group = Group.objects.filter(name=role.value).first()
        if group is None:
            continue
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
