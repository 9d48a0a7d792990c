"""Print the KPI table of one fiscal year, for the city's report: JSON or CSV on stdout."""

import csv
import json

from django.core.management.base import BaseCommand, CommandParser

from reports.registry import kpi_rows

FIELDS = ["code", "name", "unit", "target", "actual", "achievement_rate"]


class Command(BaseCommand):
    help = "One row per indicator: code, name, unit, target, actual, achievement_rate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fiscal-year", type=int, required=True, help="e.g. 2021 for 令和3年度"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: object, fiscal_year: int, format: str, **options: object) -> None:
        rows = [row.as_dict() for row in kpi_rows(fiscal_year)]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
