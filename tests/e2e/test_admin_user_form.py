"""The admin's user form as a supervisor meets it, on a phone and a desktop (issue 8.11): in
kokona's look, 表示名 first, the roles as Japanese check boxes, no password button."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, add_authenticator, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("size", "name"),
    [({"width": 390, "height": 844}, "phone"), ({"width": 1280, "height": 900}, "desktop")],
)
def test_the_user_form_in_japanese(
    page: Page, site, supervisor, counselor, csp_violations, shoot, size, name
):
    device = add_authenticator(supervisor)
    page.set_viewport_size(size)
    page.goto(f"{site}/admin/kokona/user/{counselor.pk}/change/")
    page.get_by_label("ユーザー名").fill(supervisor.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("確認コード").fill(totp_code(device))
    page.get_by_role("button", name="次へ").click()

    expect(page.get_by_text("ようこそ")).to_contain_text("管理者 はるか")
    expect(page.get_by_role("checkbox", name="相談員")).to_be_checked()
    expect(page.get_by_role("checkbox", name="市職員")).not_to_be_checked()
    expect(page.get_by_role("link", name="パスワードをリセット")).to_have_count(0)
    shoot(f"admin-user-form-{name}")

    page.goto(f"{site}/admin/kokona/user/")
    expect(page.get_by_role("cell", name="相談員").first).to_be_visible()
    shoot(f"admin-user-list-{name}")
    assert csp_violations == []
