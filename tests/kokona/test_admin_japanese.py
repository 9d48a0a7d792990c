"""The admin in Japanese and in kokona's words (issue 8.11): greeted by her display name, the
user form asks 表示名 first with the roles as Japanese check boxes, record types by their
Japanese names, and the password button only where it works (issue 8.14)."""

import re

from django.urls import reverse

from consultations.models import Case
from ibasho.models import Session
from kokona import audit, indicators
from kokona.models import AuditEvent
from kokona.roles import Role
from supplies.models import Site
from tests.conftest import https_client, make_user, sign_in
from tests.consultations.factories import make_case, make_client


def _page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_greets_her_by_her_display_name(client_as):
    page = _page(client_as("supervisor"), reverse("admin:index"))

    assert "ようこそ" in page and "管理者 はるか" in page
    assert not re.search(r"<strong>\s*haruka\s*</strong>", page, re.IGNORECASE)


def test_the_admin_has_the_sites_title_and_look(client_as):
    page = _page(client_as("supervisor"), reverse("admin:index"))

    assert "<title>" in page and "kokona 管理サイト" in page
    assert re.search(r"css/admin\.([0-9a-f]+\.)?css", page)


def test_the_user_form_asks_the_display_name_first_and_roles_as_japanese_boxes(
    client_as, counselor
):
    page = _page(client_as("supervisor"), reverse("admin:kokona_user_change", args=[counselor.pk]))

    assert page.index('name="display_name"') < page.index('name="username"')
    boxes = re.findall(r'<input type="checkbox" name="groups"[^>]*>\s*([^<]+?)\s*</label>', page)
    assert boxes == ["相談員", "管理者", "市職員", "拠点管理"]
    assert "city_staff" not in page and "site_manager" not in page


def test_the_user_list_names_roles_in_japanese_and_filters_by_them(client_as, counselor):
    client = client_as("supervisor")

    page = _page(client, reverse("admin:kokona_user_changelist"))
    only_counselors = _page(client, reverse("admin:kokona_user_changelist") + "?role=counselor")

    assert "相談員" in page and "counselor" not in re.sub(r'="[^"]*"', "", page)
    assert ">相談員 さくら</a>" in only_counselors and ">管理者 はるか</a>" not in only_counselors


def test_a_supervisor_is_not_offered_the_password_button_a_superuser_is(db, counselor):
    root = make_user("root", staff=True, is_superuser=True)
    supervisor = make_user("haruka", Role.SUPERVISOR, staff=True, display_name="管理者 はるか")
    change = reverse("admin:kokona_user_change", args=[counselor.pk])
    password_url = reverse("admin:auth_user_password_change", args=[counselor.pk])

    as_supervisor = _page(sign_in(https_client(), supervisor), change)
    as_root = _page(sign_in(https_client(), root), change)

    assert password_url not in as_supervisor
    assert "パスワードをリセット" not in as_supervisor and "パスワードを設定" not in as_supervisor
    assert password_url in as_root or "../password/" in as_root


def test_the_audit_trail_names_record_types_in_japanese(client_as, counselor):
    case = make_case(make_client("ちか"), assigned_to=counselor)
    audit.record(AuditEvent.Action.VIEW, case, by=counselor)

    page = _page(client_as("supervisor"), reverse("admin:kokona_auditevent_changelist"))

    assert "consultations.case" not in re.sub(r'="[^"]*"', "", page)
    assert "ケース" in page
    assert "日時で絞り込む" in page or "Filter by" not in page


def test_the_admin_names_sites_cases_and_sessions_not_their_units(client_as):
    # The dashboard counts them in 「か所」「件」「回」; the admin and Django's messages name the
    # records themselves.
    page = _page(client_as("supervisor"), reverse("admin:index"))
    names = set(re.findall(r'<th scope="row" id="[^"]+">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', page))

    assert "提供場所" in names
    assert "か所" not in names
    plurals = {str(model._meta.verbose_name_plural) for model in (Site, Case, Session)}
    assert plurals == {"提供場所", "ケース", "開催回"}
    codes = ["distribution_sites", "consultations_total", "ibasho_sessions"]
    units = {code: str(indicators.get(code).unit) for code in codes}
    assert units == {
        "distribution_sites": "か所",
        "consultations_total": "件",
        "ibasho_sessions": "回",
    }
