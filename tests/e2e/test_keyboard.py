"""By keyboard alone, on a phone-width screen: sign in (password and authenticator code), record
a consultation and save it with Enter from a one-line field; Enter in the search field searches
in place, date fields keep their focus ring, and hidden fields take no Tab stop."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from consultations.models import Contact
from tests.conftest import PASSWORD, add_authenticator, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; fail when it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} is not reached with {key}")


def test_a_counselor_records_a_consultation_by_keyboard_alone(page: Page, site, counselor, shoot):
    device = add_authenticator(counselor)
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/login/")

    tab_to(page, page.get_by_label("ユーザー名"))
    page.keyboard.type(counselor.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("確認コード"))
    page.keyboard.type(totp_code(device))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/consultations/")

    tab_to(page, page.get_by_role("link", name="相談を記録").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()

    # Enter in the search field searches in place: the page is not sent.
    search = page.get_by_label("呼び名・コード・LINE ID・メール・電話番号で探す")
    tab_to(page, search)
    page.keyboard.type("ゆ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="新しい相談者として登録する")).to_be_checked()

    nickname = page.get_by_label("呼び名", exact=True)
    tab_to(page, nickname)
    page.keyboard.type("ゆい")
    tab_to(page, page.get_by_role("radio", name="LINE", exact=True))
    page.keyboard.press("Space")
    when = page.get_by_label("日時")
    tab_to(page, when)
    ring = when.evaluate("(element) => getComputedStyle(element).outlineWidth")
    assert ring == "4px", "the date field keeps its focus ring"
    tab_to(page, page.get_by_role("checkbox", name="孤独・孤立"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("相談の内容"))
    page.keyboard.type("夜になると不安で眠れない。")
    shoot("keyboard-record-phone")

    # Back up to her nickname, a one-line field, and save with Enter: 記録する, never 検索.
    tab_to(page, nickname, backwards=True)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"{site}/consultations/cases/\d+/"))
    expect(page.get_by_role("status")).to_contain_text("相談を記録しました")
    contact = Contact.objects.unscoped().get()
    assert contact.summary == "夜になると不安で眠れない。"
    assert contact.client.nickname == "ゆい"


def test_hidden_fields_stay_hidden_and_take_no_tab_stop(page: Page, site, counselor):
    device = add_authenticator(counselor)
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(counselor.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="次へ").click()

    for path in ("/account/", "/account/password/"):
        page.goto(f"{site}{path}")
        usernames = page.locator('input[name="username"]')
        assert usernames.count() >= 1
        for index in range(usernames.count()):
            expect(usernames.nth(index)).to_be_hidden()
        stops = set()
        for _ in range(30):
            page.keyboard.press("Tab")
            stops.add(page.evaluate("() => document.activeElement.name || ''"))
        assert "username" not in stops
