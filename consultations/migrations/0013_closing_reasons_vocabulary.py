"""The outcomes a case closes with (終結理由), which supervisors edit in the admin afterwards."""

from django.db import migrations

from kokona.permissions import grant_permissions, revoke_permissions
from kokona.roles import Role

CLOSING_REASONS = [
    ("resolved", "自立・解決"),
    ("handed_over", "つなぎ完了"),
    ("lost_contact", "連絡途絶"),
    ("moved", "転居"),
    ("her_wish", "本人の希望"),
    ("other", "その他"),
]

GRANTS = {
    Role.SUPERVISOR: [
        f"consultations.{action}_closingreason" for action in ("view", "add", "change")
    ],
}


def add_closing_reasons(apps, schema_editor):
    ClosingReason = apps.get_model("consultations", "ClosingReason")
    for order, (code, label) in enumerate(CLOSING_REASONS, start=1):
        ClosingReason.objects.get_or_create(code=code, defaults={"label": label, "order": order})
    grant_permissions(apps, GRANTS)


def remove_closing_reasons(apps, schema_editor):
    # Checked now, not at commit: migrating back further drops the table in this transaction.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    revoke_permissions(apps, GRANTS)
    apps.get_model("consultations", "ClosingReason").objects.filter(
        code__in=[code for code, _label in CLOSING_REASONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0012_closing_reasons_and_handovers"),
        ("kokona", "0002_roles"),
    ]

    operations = [migrations.RunPython(add_closing_reasons, remove_closing_reasons)]
