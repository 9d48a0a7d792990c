"""Print the KPI table of one fiscal year, for the city's report: JSON or CSV on stdout."""

import io
import json

from django.core.management.base import BaseCommand, CommandParser

from kokona.spreadsheets import write_csv
from reports.kpis import kpi_rows

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
        # Through the formula-safe writer: a name or unit typed into the admin cannot run in
        # Excel, and the byte-order mark lets Excel in Japan read the Japanese names.
        text = io.StringIO(newline="")
        write_csv(text, FIELDS, ([row[field] for field in FIELDS] for row in rows))
        self.stdout.write(text.getvalue(), ending="")
