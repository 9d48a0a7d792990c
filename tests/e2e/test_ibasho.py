"""A counselor takes attendance for a session on her phone; the calendar at both widths."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ibasho.models import Attendance, Session
from tests.conftest import PASSWORD, add_authenticator, totp_code
from tests.consultations.factories import make_case, make_client
from tests.ibasho.factories import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(page: Page, site: str, user) -> None:
    device = add_authenticator(user)
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="次へ").click()
    expect(page).to_have_url(f"{site}/consultations/")


@pytest.fixture
def today_session(counselor):
    """This morning's 託児付き居場所, with a woman who booked and one who has not yet."""
    today = timezone.localdate()
    session = make_session(
        "salon_childcare", day=today, start=(10, 0), capacity=8, childcare_places=4
    )
    session.facilitators.add(counselor)
    booked = make_client("めい")
    make_case(booked, assigned_to=counselor)
    Attendance.objects.create(session=session, client=booked, status="booked", children=1)
    walk_in = make_client("かえで")
    make_case(walk_in, assigned_to=counselor)
    make_session("counseling", day=today + dt.timedelta(days=2), start=(13, 0), hours=1)
    return session


def test_attendance_on_a_phone(page: Page, site, counselor, today_session, csp_violations, shoot):
    page.set_viewport_size(PHONE)
    sign_in(page, site, counselor)

    page.get_by_role("link", name="居場所").first.click()
    shoot("ibasho-month-phone")
    page.get_by_role("link", name="託児付き居場所").first.click()
    expect(page.get_by_role("heading", name="託児付き居場所")).to_be_visible()

    # めい booked: she came.
    row = page.locator(".attendance-row", has_text="めい")
    row.get_by_role("button", name="出席", exact=True).click()
    expect(
        page.locator(".attendance-row", has_text="めい").locator(".tag", has_text="出席")
    ).to_be_visible()

    # かえで walks in with her child.
    page.get_by_label("呼び名またはコードで探す").press_sequentially("かえ")
    page.get_by_role("radio", name="かえで").check()
    page.get_by_label("託児の子ども").fill("1")
    page.get_by_role("button", name="追加する").click()
    expect(page.locator(".messages")).to_contain_text("かえで さんを追加しました")

    # Two women who give no name, one with her child.
    head_count = page.locator("#head-count")
    head_count.get_by_role("button", name="参加者を1人増やす").click()
    expect(head_count.locator("output").first).to_have_text("1")
    head_count.get_by_role("button", name="参加者を1人増やす").click()
    expect(head_count.locator("output").first).to_have_text("2")
    head_count.get_by_role("button", name="託児を1人増やす").click()
    expect(head_count.locator("output").nth(1)).to_have_text("1")
    # The totals and the places above follow the head count without a reload.
    expect(page.locator("#attendance-totals")).to_contain_text("出席 4")
    expect(page.locator("#session-places")).to_contain_text("4/8人")
    shoot("ibasho-attendance-phone")

    session = Session.objects.get(pk=today_session.pk)
    assert (session.anonymous_count, session.anonymous_children) == (2, 1)
    came = Attendance.objects.unscoped().filter(session=session, status="attended")
    assert {a.client.nickname for a in came} == {"めい", "かえで"}
    assert sum(a.children for a in came) == 2

    # Her second child takes the last childcare place; a third would pass them: said in words.
    row = page.locator(".attendance-row", has_text="かえで")
    row.get_by_role("button", name="託児を1人増やす").click()
    expect(page.locator(".attendance-row", has_text="かえで")).to_contain_text("託児 2 人")
    page.locator(".attendance-row", has_text="かえで").get_by_role(
        "button", name="託児を1人増やす"
    ).click()
    expect(page.locator(".messages")).to_contain_text("託児の枠がいっぱいです")
    assert csp_violations == []


def test_the_calendar_at_desktop_width(
    page: Page, site, counselor, today_session, shoot, csp_violations
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, site, counselor)

    page.goto(f"{site}/ibasho/")
    expect(page.locator(".calendar")).to_contain_text("託児付き居場所")
    expect(page.locator("thead th").first).to_have_text("日")
    shoot("ibasho-month-desktop")
    page.get_by_role("link", name="週", exact=True).click()
    shoot("ibasho-week-desktop")
    page.goto(f"{site}/ibasho/calendar/2027/1/")
    expect(page.locator(".calendar")).to_contain_text("成人の日")
    page.goto(f"{site}{today_session.get_absolute_url()}")
    shoot("ibasho-session-desktop")
    page.goto(f"{site}/ibasho/sessions/new/")
    page.get_by_text("毎月（第◯◯曜日）").click()
    expect(page.get_by_label("最終日")).to_be_visible()
    shoot("ibasho-new-desktop")
    assert csp_violations == []
