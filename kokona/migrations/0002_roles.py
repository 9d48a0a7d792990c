"""The four roles of design.md as groups. Later apps grant their own permissions to them."""

from django.db import migrations

from kokona.permissions import grant_permissions
from kokona.roles import Role

GRANTS = {
    Role.COUNSELOR: [],
    Role.SUPERVISOR: [
        "kokona.view_user",
        "kokona.add_user",
        "kokona.change_user",
        "auth.view_group",
        "kokona.view_auditevent",
    ],
    Role.CITY_STAFF: [],
    Role.SITE_MANAGER: [],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[role.value for role in GRANTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kokona", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
