"""The idle sign-out at 390 px: a warning two minutes before it, and a record sent after it is
back in the form once she signs in again (issue 8.1)."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, add_authenticator, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WRITE_UP = "LINEで長く話した。夜は不安で眠れないとのこと。来週また連絡する。"


def _sign_in(page: Page, device) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("ユーザー名").fill(device.user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    # A code is good once: the second sign-in gets the next one.
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="次へ").click()


@pytest.mark.parametrize(("size", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_record_sent_after_the_timeout_is_back_after_signing_in(
    page: Page, site, counselor, csp_violations, shoot, size, name
):
    device = add_authenticator(counselor)
    page.set_viewport_size(size)
    page.clock.install()
    page.goto(f"{site}/consultations/record/")
    _sign_in(page, device)
    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()
    page.get_by_label("呼び名", exact=True).fill("みなと")
    page.locator("#id_channel label.chip", has_text="LINE").click()
    page.locator("#id_categories label.chip", has_text="孤独・孤立").click()
    page.get_by_label("相談の内容").fill(WRITE_UP)

    # Typing counts as use: at its next four-minute tick the page keeps the session. The page
    # notes the server's answer when it comes, by the fake clock; that is waited for before the
    # clock moves on, or the answer would count from wherever the clock had got to.
    typed_at = page.evaluate("Date.now()")
    with page.expect_response("**/account/keep-alive/") as typed:
        page.clock.run_for("04:00")
    assert typed.value.status == 204
    page.wait_for_function(
        "since => Number(localStorage.getItem('kokona-last-request')) >= since",
        arg=typed_at + 4 * 60 * 1000,
    )
    # She chats in the LINE app: 28 minutes later the page warns her, 「続ける」 keeps her in.
    warning = page.get_by_role("alertdialog")
    page.clock.run_for("28:10")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("まもなくログアウトします")
    shoot(f"timeout-warning-{name}")
    with page.expect_response("**/account/keep-alive/") as kept:
        warning.get_by_role("button", name="続ける").click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()

    # This time she does not come back in time: the server ends the session.
    page.clock.run_for("29:00")
    expect(warning).to_contain_text("まもなくログアウトします")
    Session.objects.all().delete()
    page.clock.run_for("02:10")
    expect(warning).to_contain_text("ログアウトしました")
    shoot(f"timeout-ended-{name}")
    warning.get_by_role("button", name="閉じる").click()

    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("送った内容を一時的に保管しました")
    _sign_in(page, device)

    expect(page.get_by_role("heading", name="相談を記録")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("入力画面に戻しました")
    expect(page.get_by_label("相談の内容")).to_have_value(WRITE_UP)
    expect(page.get_by_label("呼び名", exact=True)).to_have_value("みなと")
    expect(page.get_by_role("radio", name="LINE", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="孤独・孤立")).to_be_checked()
    shoot(f"restored-draft-{name}")

    page.get_by_role("button", name="記録する").click()
    expect(page.locator(".timeline")).to_contain_text("夜は不安で眠れない")
    assert csp_violations == []
