"""Supervisors edit the programmes in the admin; sessions and attendance have their own screens."""

from django.db import migrations

from kokona.permissions import grant_permissions, revoke_permissions
from kokona.roles import Role

GRANTS = {Role.SUPERVISOR: [f"ibasho.{a}_program" for a in ("view", "add", "change")]}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("ibasho", "0002_programs"), ("kokona", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
