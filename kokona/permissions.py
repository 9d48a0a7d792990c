"""Giving the roles their Django permissions, from data migrations."""

from typing import Any

from django.contrib.auth.management import create_permissions
from django.db.migrations.state import StateApps

from kokona.roles import Role


def grant_permissions(apps: Any, grants: dict[Role, list[str]]) -> None:
    """For data migrations: create the groups and give them `app_label.codename` permissions.

    Django creates permissions after all migrations ran; within a migration they are made here
    first, for the apps migrated so far.
    """
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
