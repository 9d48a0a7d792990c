"""The targets in the admin: a supervisor can change any of them, the sites target included."""

from decimal import Decimal

from reports.models import Target


def test_a_supervisor_saves_the_sites_target_in_the_admin(client_as):
    target = Target.objects.get(indicator="distribution_sites", fiscal_year=2021)
    client = client_as("supervisor")
    url = f"/admin/reports/target/{target.pk}/change/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"value": "72"})

    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.value == Decimal(72)


def test_a_target_whose_indicator_is_not_registered_still_saves(client_as, monkeypatch):
    from kokona import indicators as registry

    monkeypatch.setattr(registry, "_indicators", {})
    target = Target.objects.get(indicator="satisfaction_rate", fiscal_year=2022)
    client = client_as("supervisor")

    response = client.post(f"/admin/reports/target/{target.pk}/change/", {"value": "85"})

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == Decimal(85)
    change = target.changes.get()
    assert (change.old_value, change.new_value) == (Decimal(80), Decimal(85))


def test_a_supervisor_adds_a_target_for_a_new_year(client_as):
    client = client_as("supervisor")

    response = client.post(
        "/admin/reports/target/add/",
        {"indicator": "unique_consultees", "fiscal_year": "2023", "value": "70"},
    )

    assert response.status_code == 302
    assert Target.objects.get(indicator="unique_consultees", fiscal_year=2023).value == 70
