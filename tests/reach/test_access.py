"""Who may open what of the outreach pages, for every persona: the public pages are open to
everyone (signed in or not), the card sheets to those who manage sites and placements."""

import pytest
from django.urls import reverse

from consultations.models import LineAccount, LineReply
from supplies.models import CardLink
from tests.consultations.factories import make_case, make_client, make_contact
from tests.supplies.factories import make_placement, make_site

ALL = ["anonymous", "counselor", "supervisor", "city_staff", "site_manager"]
EVERYONE = dict.fromkeys(ALL, "ok")
MANAGERS = {"site_manager": "ok", "supervisor": "ok"}
NPO_STAFF = {"counselor": "ok", "supervisor": "ok"}


@pytest.fixture
def world(db, counselor):
    placement, site = make_placement(), make_site()
    case = make_case(make_client("ラインのひと"), assigned_to=counselor)
    LineAccount.objects.create(client=case.client, user_id="Uabc", user_hash="h" * 64)
    contact = make_contact(case, direction="out")
    reply = LineReply.objects.create(contact=contact, status=LineReply.Status.FAILED)
    return {
        "case": case,
        "reply": reply,
        "placement": placement,
        "site": site,
        "code": CardLink.objects.for_placement(placement).code,
    }


# (name, method, url builder, who gets through). Everyone else: anonymous → sign in, 403.
MATRIX = [
    ("reach:start", "get", lambda w: reverse("reach:start"), EVERYONE),
    ("reach:landing", "get", lambda w: reverse("reach:landing", args=[w["code"]]), EVERYONE),
    ("reach:form_start", "get", lambda w: reverse("reach:form_start"), EVERYONE),
    ("reach:form", "get", lambda w: reverse("reach:form", args=[w["code"]]), EVERYONE),
    # An empty form comes back with its errors (400), for everyone alike.
    (
        "reach:form post",
        "post",
        lambda w: reverse("reach:form", args=[w["code"]]),
        dict.fromkeys(ALL, "bad"),
    ),
    ("reach:sent", "get", lambda w: reverse("reach:sent"), EVERYONE),
    (
        "placement_cards",
        "get",
        lambda w: reverse("supplies:placement_cards", args=[w["placement"].pk]),
        MANAGERS,
    ),
    # LINE signs its calls: an unsigned one is refused (400) whoever sends it.
    ("line_webhook", "post", lambda w: reverse("line_webhook"), dict.fromkeys(ALL, "bad")),
    ("line_webhook get", "get", lambda w: reverse("line_webhook"), dict.fromkeys(ALL, "method")),
    (
        "line_reply",
        "post",
        lambda w: reverse("consultations:line_reply", args=[w["case"].pk]),
        NPO_STAFF,
    ),
    (
        "line_reply_retry",
        "post",
        lambda w: reverse("consultations:line_reply_retry", args=[w["reply"].pk]),
        NPO_STAFF,
    ),
    (
        "outreach_report",
        "get",
        lambda w: reverse("consultations:outreach_report", args=[2022]),
        {"supervisor": "ok", "city_staff": "ok"},
    ),
    (
        "outreach_report_now",
        "get",
        lambda w: reverse("consultations:outreach_report_now"),
        {"supervisor": "ok", "city_staff": "ok"},
    ),
    ("inbox", "get", lambda w: reverse("consultations:inbox"), NPO_STAFF),
    ("site_cards", "get", lambda w: reverse("supplies:site_cards", args=[w["site"].pk]), MANAGERS),
]


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {400: "bad", 403: "forbidden", 404: "hidden", 405: "method"}.get(
        response.status_code, "ok"
    )


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, build, allowed", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(client_as, world, persona, name, method, build, allowed):
    response = getattr(client_as(persona), method)(build(world))

    expected = dict.fromkeys(ALL, "forbidden") | {"anonymous": "login"}
    assert outcome(response) == {**expected, **allowed}[persona]


def test_a_manager_prints_the_cards_of_a_placement(client_as, world):
    html = (
        client_as("site_manager")
        .get(reverse("supplies:placement_cards", args=[world["placement"].pk]))
        .content.decode()
    )

    assert html.count('class="print-card"') == 8
    assert html.count("<svg") >= 8
    assert f"/r/{world['code']}/" in html


def test_a_placement_page_shows_its_address_qr_code_and_scans(client_as, client, world, settings):
    settings.PUBLIC_BASE_URL = "https://kokona.example.jp"
    client.get(reverse("reach:landing", args=[world["code"]]))
    html = client_as("site_manager").get(world["placement"].get_absolute_url()).content.decode()

    assert f"https://kokona.example.jp/r/{world['code']}/" in html
    assert "<svg" in html and "qr-code" in html
    assert "最近30日で1回" in html


def test_a_counselor_sees_a_site_without_its_card_panel(client_as, world):
    html = client_as("counselor").get(world["site"].get_absolute_url()).content.decode()

    assert "カードのQRコード" not in html
    assert CardLink.objects.filter(site=world["site"]).count() == 0
