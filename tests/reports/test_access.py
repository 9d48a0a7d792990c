"""Who may open what in reports: every URL, GET and POST, for every persona.

City staff, supervisors, counselors and site managers read the figures (site managers the supplies
ones only); supervisors set targets, lock a year and enter surveys; the public reaches only the
survey page of a programme's QR code.
"""

import pytest
from django.urls import reverse

from reports.models import SurveyResponse
from reports.views.surveys import program_token

ALL = ["anonymous", "counselor", "supervisor", "city_staff", "site_manager"]
READERS = {"counselor": "ok", "supervisor": "ok", "city_staff": "ok", "site_manager": "ok"}
TARGET_READERS = {"supervisor": "ok", "city_staff": "ok"}
SUPERVISOR = {"supervisor": "ok"}
PUBLIC = dict.fromkeys(ALL, "ok")


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {403: "forbidden", 404: "hidden", 405: "method"}.get(response.status_code, "ok")


TOKEN = "salon"

MATRIX = [
    ("home", "get", lambda: reverse("reports:home"), READERS),
    ("dashboard", "get", lambda: reverse("reports:dashboard", args=[2021]), READERS),
    ("export_csv", "get", lambda: reverse("reports:export_csv", args=[2021]), READERS),
    ("export_xlsx", "get", lambda: reverse("reports:export_xlsx", args=[2021]), READERS),
    ("year_report", "get", lambda: reverse("reports:year_report", args=[2021]), READERS),
    ("year_report_pdf", "get", lambda: reverse("reports:year_report_pdf", args=[2021]), READERS),
    ("lock_year", "post", lambda: reverse("reports:lock_year", args=[2021]), SUPERVISOR),
    ("targets", "get", lambda: reverse("reports:targets", args=[2021]), TARGET_READERS),
    (
        "target_edit",
        "get",
        lambda: reverse("reports:target_edit", args=[2021, "satisfaction_rate"]),
        SUPERVISOR,
    ),
    (
        "target_edit post",
        "post",
        lambda: reverse("reports:target_edit", args=[2021, "satisfaction_rate"]),
        SUPERVISOR,
    ),
    ("survey_list", "get", lambda: reverse("reports:survey_list"), SUPERVISOR),
    ("survey_add", "get", lambda: reverse("reports:survey_add"), SUPERVISOR),
    ("survey_add post", "post", lambda: reverse("reports:survey_add"), SUPERVISOR),
    ("survey_tally", "get", lambda: reverse("reports:survey_tally"), SUPERVISOR),
    ("survey_tally post", "post", lambda: reverse("reports:survey_tally"), SUPERVISOR),
    ("survey_codes", "get", lambda: reverse("reports:survey_codes"), SUPERVISOR),
    ("survey_qr", "get", lambda: reverse("reports:survey_qr", args=["salon"]), SUPERVISOR),
    (
        "public_survey",
        "get",
        lambda: reverse("reports:public_survey", args=[program_token("salon")]),
        PUBLIC,
    ),
    (
        "public_survey post",
        "post",
        lambda: reverse("reports:public_survey", args=[program_token("salon")]),
        PUBLIC,
    ),
    (
        "public_thanks",
        "get",
        lambda: reverse("reports:public_thanks", args=[program_token("salon")]),
        PUBLIC,
    ),
    ("surveys import", "get", lambda: reverse("import_upload", args=["surveys"]), SUPERVISOR),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, build, allowed", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(client_as, persona, name, method, build, allowed):
    response = getattr(client_as(persona), method)(build())

    expected = {"anonymous": "login", **dict.fromkeys(ALL[1:], "forbidden")}
    assert outcome(response) == {**expected, **allowed}[persona]


@pytest.mark.parametrize("persona", ["counselor", "city_staff", "site_manager"])
def test_only_supervisors_post_a_target(client_as, persona):
    response = client_as(persona).post(
        reverse("reports:target_edit", args=[2021, "distribution_sites"]),
        {"value": "1", "note": "try"},
    )

    assert response.status_code == 403


def test_a_guessed_programme_token_is_a_404(db, client):
    assert client.get(reverse("reports:public_survey", args=["salon"])).status_code == 404
    assert SurveyResponse.objects.count() == 0


def test_site_managers_see_only_the_supplies_figures(client_as):
    html = client_as("site_manager").get(reverse("reports:dashboard", args=[2021])).content.decode()

    assert "生理用品の配置場所数" in html
    assert "相談実人数" not in html


def test_the_menu_offers_reports_to_every_role(client_as):
    for persona in ("counselor", "site_manager"):
        html = client_as(persona).get(reverse("home"), follow=True).content.decode()
        assert 'href="/reports/"' in html
