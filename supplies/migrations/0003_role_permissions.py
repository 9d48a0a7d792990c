"""Supervisors edit the supplies vocabularies, sites and placements in the admin, and read the
ledger there; nobody changes a movement (the database refuses it anyway)."""

from django.db import migrations

from kokona.permissions import grant_permissions, revoke_permissions
from kokona.roles import Role

GRANTS = {
    Role.SUPERVISOR: [
        f"supplies.{action}_{model}"
        for model in ("sitecategory", "schoollevel", "area", "item", "site", "outreachplacement")
        for action in ("view", "add", "change")
    ]
    + ["supplies.view_stockmovement"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("supplies", "0002_vocabularies"),
        ("kokona", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
