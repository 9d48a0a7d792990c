"""Supervisors edit the vocabularies and agencies in the admin; nobody edits people's records there."""

from django.db import migrations

from kokona.permissions import grant_permissions, revoke_permissions
from kokona.roles import Role

GRANTS = {
    Role.SUPERVISOR: [
        f"consultations.{action}_{model}"
        for model in ("concerncategory", "channel", "ageband", "agency")
        for action in ("view", "add", "change")
    ],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_vocabularies"),
        ("kokona", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
