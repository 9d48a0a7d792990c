"""目標値 by fiscal year (supervisors set them and say why; city staff read), and the lock of a
reported year (the city sees the snapshot; later changes are flagged to supervisors)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from kokona.fiscal import JST
from kokona.models import AuditEvent
from reports.models import Target, TargetChange, YearLock
from tests.consultations.factories import make_contact


def test_the_seeded_targets_of_reiwa_3_and_4(db):
    for year in (2021, 2022):
        found = dict(Target.objects.filter(fiscal_year=year).values_list("indicator", "value"))
        assert found == {
            "distribution_sites": Decimal(70),
            "unique_consultees": Decimal(66),
            "satisfaction_rate": Decimal(80),
        }


def test_city_staff_read_the_targets_by_reiwa_year(client_as):
    html = client_as("city_staff").get(reverse("reports:targets", args=[2021])).content.decode()

    assert "令和3年度" in html and "目標値" in html
    assert "70か所" in html and "66人" in html and "80%" in html
    assert reverse("reports:target_edit", args=[2021, "distribution_sites"]) not in html


def test_a_supervisor_changes_a_target_and_says_why(client_as, supervisor):
    client = client_as("supervisor")
    url = reverse("reports:target_edit", args=[2022, "distribution_sites"])

    response = client.post(url, {"value": "75", "note": "市との協議で5か所追加"})

    assert response["Location"] == reverse("reports:targets", args=[2022])
    target = Target.objects.get(indicator="distribution_sites", fiscal_year=2022)
    assert target.value == 75
    change = TargetChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by) == (70, 75, supervisor)
    assert AuditEvent.objects.filter(action="update", object_id=str(target.pk)).exists()
    html = client_as("city_staff").get(reverse("reports:targets", args=[2022])).content.decode()
    assert "市との協議で5か所追加" in html


def test_a_target_without_a_reason_or_below_zero_is_refused_beside_the_field(client_as):
    client = client_as("supervisor")
    url = reverse("reports:target_edit", args=[2022, "distribution_sites"])

    html = client.post(url, {"value": "-1", "note": ""}).content.decode()

    assert "目標値を設定・変更する理由を書いてください。" in html
    assert TargetChange.objects.count() == 0
    assert Target.objects.get(indicator="distribution_sites", fiscal_year=2022).value == 70


def test_a_new_year_gets_its_targets(client_as):
    client = client_as("supervisor")
    client.post(
        reverse("reports:target_edit", args=[2023, "unique_consultees"]),
        {"value": "70", "note": "令和5年度の契約"},
    )

    assert Target.objects.get(indicator="unique_consultees", fiscal_year=2023).value == 70


def test_an_unknown_indicator_is_a_404(client_as):
    response = client_as("supervisor").get(reverse("reports:target_edit", args=[2022, "nope"]))

    assert response.status_code == 404


def test_the_city_sees_the_locked_figures_and_supervisors_see_what_changed(client_as):
    for day in range(1, 8):
        make_contact(at=dt.datetime(2021, 6, day, 10, tzinfo=JST))
    supervisor = client_as("supervisor")
    supervisor.post(reverse("reports:lock_year", args=[2021]))
    lock = YearLock.objects.get(fiscal_year=2021)
    assert {r["code"]: r["actual"] for r in lock.figures["rows"]}["consultations_total"] == 7

    # A contact of that year entered after the report.
    make_contact(at=dt.datetime(2021, 6, 20, 10, tzinfo=JST))

    city = client_as("city_staff").get(reverse("reports:dashboard", args=[2021]))
    csv = client_as("city_staff").get(reverse("reports:export_csv", args=[2021]))
    board = supervisor.get(reverse("reports:dashboard", args=[2021])).content.decode()
    assert "consultations_total,延べ相談件数,件,,7," in csv.content.decode()
    assert "報告値として確定" in city.content.decode()
    assert "確定後にこの年度の記録が変更されました" in board and "延べ相談件数" in board
    assert AuditEvent.objects.filter(action="create", object_type="reports.yearlock").exists()


def test_a_year_is_locked_once(client_as):
    client = client_as("supervisor")
    client.post(reverse("reports:lock_year", args=[2021]))
    first = YearLock.objects.get().locked_at

    client.post(reverse("reports:lock_year", args=[2021]))

    assert YearLock.objects.get().locked_at == first
