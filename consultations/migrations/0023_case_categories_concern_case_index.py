"""The cases of a concern, read from an index alone: the case list's concern filter joins a
concern's cases (about 1,900 in ten years of the bench) with the cases of the other filters, and
read each from the table (249 pages) through the single-column index Django gives a
many-to-many table. Plain SQL: the table is the one Django makes for `Case.categories`, and a
model's `Meta.indexes` cannot name it. On the bench, the filtered list's page 2.2 → 1.6–2.0 ms
of execution (bench/README.md)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0022_case_open_crisis_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX case_categories_concern_case"
            " ON consultations_case_categories (concerncategory_id, case_id)",
            "DROP INDEX case_categories_concern_case",
        )
    ]
