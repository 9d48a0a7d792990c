"""`manage.py kpi_report`: one row per indicator, beside its target."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from kokona import indicators as registry
from reports.models import Target


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("kpi_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def registered_only(monkeypatch):
    """The registry holding just the given indicators for one test."""

    def register(**computes):
        monkeypatch.setattr(registry, "_indicators", {})
        for order, (code, compute) in enumerate(computes.items()):
            registry.register(code, f"name of {code}", unit="件", order=order)(compute)

    return register


def test_an_empty_database_gives_every_indicator_with_zero_or_null(db):
    rows = json.loads(run("--fiscal-year", "2021"))

    assert [set(row) for row in rows] == [
        {"code", "name", "unit", "target", "actual", "achievement_rate"}
    ] * len(registry.indicators())
    for row in rows:
        assert row["actual"] in (0, None), row


def test_target_and_rate_are_null_without_a_target(db, registered_only):
    registered_only(consultations_total=lambda year: 12)

    assert json.loads(run("--fiscal-year", "2030")) == [
        {
            "code": "consultations_total",
            "name": "name of consultations_total",
            "unit": "件",
            "target": None,
            "actual": 12,
            "achievement_rate": None,
        }
    ]


def test_the_rate_is_actual_over_target_with_one_decimal(db, registered_only):
    registered_only(unique_consultees=lambda year: 20 if year == 2021 else 0)

    (row,) = json.loads(run("--fiscal-year", "2021"))

    assert row["target"] == 66  # seeded from the city's report
    assert row["actual"] == 20
    assert row["achievement_rate"] == 30.3


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel in Japan reads a CSV without a BOM as Shift_JIS"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_has_a_header_and_blank_nulls(db, registered_only):
    registered_only(a=lambda year: 5, b=lambda year: None)
    Target.objects.create(indicator="a", fiscal_year=2022, value=Decimal(4))

    rows = read_csv(run("--fiscal-year", "2022", "--format", "csv"))

    assert rows == [
        ["code", "name", "unit", "target", "actual", "achievement_rate"],
        ["a", "name of a", "件", "4", "5", "125.0"],
        ["b", "name of b", "件", "", "", ""],
    ]


def test_csv_cells_never_run_as_formulas(db, monkeypatch):
    monkeypatch.setattr(registry, "_indicators", {})
    registry.register("evil", '=HYPERLINK("http://evil.example","開く")', unit="@件")(
        lambda year: -1
    )

    (_, row) = read_csv(run("--fiscal-year", "2022", "--format", "csv"))

    assert row == ["evil", '\'=HYPERLINK("http://evil.example","開く")', "'@件", "", "-1", ""]


def test_a_registered_code_cannot_be_taken_twice(registered_only):
    registered_only(a=lambda year: 1)

    with pytest.raises(ValueError):
        registry.register("a", "again", unit="件")(lambda year: 2)
