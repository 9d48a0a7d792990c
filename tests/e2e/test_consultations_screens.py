"""The consultations screens with the demo's data, as a supervisor sees them on a phone and on a
desktop: her home with the team's caseloads, the intake with the search telling women apart, a
case page with its story, and the admin. Screenshots go to test-results/screenshots/."""

import pytest
from playwright.sync_api import Page, expect

from consultations import demo as consultations_demo
from consultations.models import Case
from kokona import demo
from tests.conftest import PASSWORD
from tests.e2e.test_record_consultation import DESKTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def supervisor_with_demo(db):
    users = demo.seed_users()
    consultations_demo.seed(users)
    supervisor = users["kanri"]
    supervisor.set_password(PASSWORD)  # the demo's own is for `make run`
    supervisor.save(update_fields=["password"])
    return supervisor


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_supervisors_day(page: Page, site, supervisor_with_demo, csp_violations, shoot, size):
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    sign_in(page, site, supervisor_with_demo)

    expect(page.get_by_role("heading", name="担当者ごとのケース数")).to_be_visible()
    expect(page.get_by_role("heading", name="3日以上連絡のない緊急ケース")).to_be_visible()
    recent = page.locator("details#recent")
    unread = recent.locator('a[href="?panel=recent#recent"]')
    expect(unread).to_be_attached()  # not read yet
    recent.locator("summary").click()  # htmx reads them as the panel opens
    expect(recent.locator("ul.plain-list li").first).to_be_visible()
    expect(unread).to_have_count(0)
    shoot(f"supervisor-home-{size}")

    page.goto(f"{site}/consultations/record/")
    page.get_by_label("呼び名・コード・LINE ID・メール・電話番号で探す").fill("さ")
    expect(page.locator("#client-choices .client-facts").first).to_be_visible()
    main_concern = page.locator("[data-main-concern]")
    expect(main_concern).to_be_hidden()  # offered once concerns are ticked
    page.locator("#id_categories label.chip", has_text="子育て").click()
    page.locator("#id_categories label.chip", has_text="経済・生活困窮").click()
    expect(main_concern.locator("label.chip:visible")).to_have_count(2)
    main_concern.locator("label.chip", has_text="経済・生活困窮").click()
    shoot(f"intake-search-{size}")

    case = Case.objects.unscoped().filter(restricted=True).get()
    page.goto(f"{site}{case.get_absolute_url()}")
    expect(page.get_by_role("heading", name="これまでの経過")).to_be_visible()
    shoot(f"case-{size}")

    page.goto(f"{site}/admin/kokona/user/{supervisor_with_demo.pk}/change/")
    expect(page.get_by_text("相談員").first).to_be_visible()
    shoot(f"admin-user-{size}")

    assert csp_violations == []
