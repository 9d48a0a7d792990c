"""Supervisors enter the city's targets for each fiscal year in the admin."""

from django.db import migrations

from kokona.permissions import grant_permissions, revoke_permissions
from kokona.roles import Role

GRANTS = {Role.SUPERVISOR: [f"reports.{a}_target" for a in ("view", "add", "change")]}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_targets_from_the_city"), ("kokona", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
