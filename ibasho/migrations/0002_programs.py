"""The programmes of design.md. Supervisors edit them in the admin afterwards (venue, childcare,
appointments); imports accept the Japanese label or the code."""

from django.db import migrations

# (code, label, offers childcare, one-to-one by appointment)
PROGRAMS = [
    ("salon", "居場所サロン", False, False),
    ("salon_childcare", "託児付き居場所", True, False),
    ("learning", "学びの場", False, False),
    ("community", "地域活動", False, False),
    ("counseling", "専門相談(カウンセラー)", False, True),
    ("parenting", "子育て相談", True, True),
    ("development", "発達相談", True, True),
    ("work_experience", "就労体験", False, False),
]


def add_programs(apps, schema_editor):
    Program = apps.get_model("ibasho", "Program")
    for order, (code, label, childcare, appointment) in enumerate(PROGRAMS, start=1):
        # Created when missing, never overwritten: supervisors may have edited them since.
        Program.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "order": order,
                "offers_childcare": childcare,
                "by_appointment": appointment,
            },
        )


def remove_programs(apps, schema_editor):
    # Check the deferred foreign keys now: migrating further back drops the table next, which
    # PostgreSQL refuses while checks of this delete are still pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    apps.get_model("ibasho", "Program").objects.filter(
        code__in=[code for code, *_ in PROGRAMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("ibasho", "0001_programs_sessions_attendance")]

    operations = [migrations.RunPython(add_programs, remove_programs)]
