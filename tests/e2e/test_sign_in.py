"""A counselor signs in with her password and her authenticator code and lands on her home."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, add_authenticator, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_counselor_signs_in_with_two_factors(
    page: Page, site, counselor, csp_violations, shoot, viewport
):
    device = add_authenticator(counselor)
    page.set_viewport_size(viewport)
    size = "desktop" if viewport is DESKTOP else "phone"

    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/login/?next=/")
    expect(page.get_by_role("heading", name="kokona にログイン")).to_be_visible()
    shoot(f"login-{size}")

    page.get_by_label("ユーザー名").fill(counselor.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("heading", name="確認コードの入力")).to_be_visible()
    shoot(f"verify-{size}")
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="次へ").click()

    expect(page).to_have_url(f"{site}/consultations/")
    expect(page.get_by_role("navigation", name="メインメニュー")).to_contain_text("相談")
    shoot(f"counselor-home-{size}")
    assert csp_violations == []


def test_a_wrong_password_shows_a_japanese_error_summary(page: Page, site, counselor, shoot):
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(counselor.username)
    page.get_by_label("パスワード").fill("not the password")
    page.get_by_role("button", name="ログイン").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ユーザー名またはパスワードが正しくありません。")
    expect(summary).to_be_focused()
    shoot("login-error-desktop")
