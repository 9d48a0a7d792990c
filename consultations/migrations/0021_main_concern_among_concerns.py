"""A case's main concern is one of its concerns (`services.record_contact` and
`services.update_case` keep it so): the case list's concern filter asks its concerns alone, and
reads them by index where `concerns OR main concern` probed every candidate case."""

from django.db import migrations

SQL = """
INSERT INTO consultations_case_categories (case_id, concerncategory_id)
SELECT id, primary_concern_id FROM consultations_case WHERE primary_concern_id IS NOT NULL
ON CONFLICT (case_id, concerncategory_id) DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [("consultations", "0020_case_latest_index")]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
