"""A counselor logs a LINE consultation from her phone and finds it on the woman's timeline."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, add_authenticator, totp_code
from tests.consultations.factories import make_case, make_client

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


def test_a_line_consultation_from_a_phone(page: Page, site, counselor, csp_violations, shoot):
    page.set_viewport_size(PHONE)
    sign_in(page, site, counselor)
    shoot("home-phone")

    page.get_by_role("link", name="相談を記録").first.click()
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()
    page.get_by_label("呼び名", exact=True).fill("ゆい")
    page.locator("#id_channel label.chip", has_text="LINE").click()
    page.locator("#id_categories label.chip", has_text="孤独・孤立").click()
    page.get_by_label("相談の内容").fill("夜になると不安で眠れない。話を聞いてほしい。")
    page.get_by_label("次の対応").fill("明日の夜にもう一度連絡する")
    shoot("record-phone")
    page.get_by_role("button", name="記録する").click()

    expect(page).to_have_url(re.compile(rf"{site}/consultations/cases/\d+/"))
    expect(page.get_by_role("status")).to_contain_text("相談を記録しました")
    story = page.locator(".timeline")
    expect(story).to_contain_text("夜になると不安で眠れない")
    expect(story.locator(".tag", has_text="LINE")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("ゆい"))).to_be_visible()
    shoot("case-phone")
    assert csp_violations == []


def test_search_as_you_type_finds_her_and_the_keyboard_picks_her(
    page: Page, site, counselor, csp_violations
):
    known = make_client("さきこ")
    make_case(known, assigned_to=counselor)
    page.set_viewport_size(PHONE)
    sign_in(page, site, counselor)
    page.goto(f"{site}/consultations/record/")

    page.get_by_label("呼び名・コード・LINE ID・メール・電話番号で探す").press_sequentially("さき")
    choice = page.get_by_role("radio", name=re.compile("さきこ"))
    expect(choice).to_be_visible()
    page.keyboard.press("Tab")  # the 検索 button
    page.keyboard.press("Tab")  # into the choices, on the checked one: "register her as new"
    expect(page.get_by_role("radio", name="新しい相談者として登録する")).to_be_focused()
    page.keyboard.press("ArrowUp")  # the match above it
    expect(choice).to_be_checked()
    # The new-person fields step aside for a known woman.
    expect(page.get_by_label("呼び名", exact=True)).to_be_hidden()

    line = page.get_by_role("radio", name="LINE", exact=True)
    line.focus()
    page.keyboard.press("Space")
    expect(line).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="その他SNS")).to_be_checked()
    page.get_by_label("相談の内容").fill("続きの相談")
    page.get_by_role("button", name="記録する").click()

    expect(page.locator(".timeline")).to_contain_text("続きの相談")
    expect(page.get_by_role("heading", name=re.compile("さきこ"))).to_be_visible()
    assert csp_violations == []


def test_the_counselor_pages_at_desktop_width(page: Page, site, counselor, shoot, csp_violations):
    case = make_case(make_client("みさき"), assigned_to=counselor)
    page.set_viewport_size(DESKTOP)
    sign_in(page, site, counselor)
    shoot("home-desktop")
    page.goto(f"{site}/consultations/record/")
    shoot("record-desktop")
    page.goto(f"{site}/consultations/cases/")
    page.locator("#filters summary").click()  # the filters are fetched as the panel opens
    channel = page.locator("#filters select[name=channel]")
    expect(channel).to_be_visible()
    # htmx binds the new form's own triggers as the swap settles, just after it shows.
    expect(page.locator("#filters .htmx-settling")).to_have_count(0)
    channel.select_option(label="電話")  # the table follows the filters as they change
    expect(page.locator("#case-table")).to_contain_text("該当するケースはありません")
    expect(page).to_have_url(re.compile(r"channel="))
    shoot("cases-desktop")
    page.goto(f"{site}{case.get_absolute_url()}")
    page.get_by_text("相談記録を追加").click()
    # The panel's form is fetched as it opens (issue 13: render only what is opened).
    expect(page.locator("#panel-contact textarea[name=summary]")).to_be_visible()
    shoot("case-desktop")
    assert csp_violations == []
