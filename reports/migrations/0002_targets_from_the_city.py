"""The city's targets for 令和3年度 and 令和4年度, from the project's own report."""

from decimal import Decimal

from django.db import migrations

TARGETS = {
    "distribution_sites": Decimal(70),
    "unique_consultees": Decimal(66),
    "satisfaction_rate": Decimal(80),
}
YEARS = [2021, 2022]


def add_targets(apps, schema_editor):
    Target = apps.get_model("reports", "Target")
    for year in YEARS:
        for indicator, value in TARGETS.items():
            Target.objects.get_or_create(
                indicator=indicator, fiscal_year=year, defaults={"value": value}
            )


def remove_targets(apps, schema_editor):
    Target = apps.get_model("reports", "Target")
    Target.objects.filter(indicator__in=TARGETS, fiscal_year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_targets, remove_targets)]
