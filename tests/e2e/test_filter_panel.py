"""A list opened already filtered (a link, a reload, the back button) says on its closed panel
what it is filtered by; the panel opens with those filters in its form, and one tap clears them."""

import pytest
from playwright.sync_api import Page, expect

from tests.consultations.factories import make_case, make_client, make_contact, vocabulary
from tests.e2e.test_record_consultation import DESKTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_filtered_case_list_says_its_filters_and_opens_with_them(
    page: Page, site, counselor, shoot, csp_violations, size
):
    on_line = make_case(make_client("みさき"), assigned_to=counselor)
    make_contact(on_line, channel="line")
    by_phone = make_case(make_client("ゆい"), assigned_to=counselor)
    make_contact(by_phone, channel="phone")
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    sign_in(page, site, counselor)

    line = vocabulary("Channel", "line")
    page.goto(f"{site}/consultations/cases/?channel={line.pk}")
    panel = page.locator("#filters")
    expect(panel.locator("summary")).to_contain_text("相談経路: LINE")
    expect(panel.locator("select")).to_have_count(0)
    expect(page.locator("#case-table")).to_contain_text("みさき")
    expect(page.locator("#case-table")).not_to_contain_text("ゆい")
    shoot(f"cases-filtered-{size}")

    panel.locator("summary").click()  # the form is fetched with the filters chosen
    channel = panel.locator("select[name=channel]")
    expect(channel).to_have_value(str(line.pk))
    expect(panel.locator(".filters__active")).to_be_hidden()
    expect(page.get_by_role("link", name="絞り込みを解除")).to_be_hidden()  # the form's own says it
    shoot(f"cases-filtered-open-{size}")

    # The table follows the filters as they change, and so does what the closed panel says.
    expect(panel.locator(".htmx-settling")).to_have_count(0)
    channel.select_option(label="電話")
    expect(page.locator("#case-table")).to_contain_text("ゆい")
    panel.locator("summary").click()
    expect(panel.locator(".filters__active")).to_have_text("相談経路: 電話")

    page.goto(f"{site}/consultations/cases/?channel={line.pk}")
    page.get_by_role("link", name="絞り込みを解除").click()
    expect(page.locator("#case-table")).to_contain_text("ゆい")
    expect(page.locator("#filters .filters__active")).to_be_empty()
    assert csp_violations == []


def test_a_list_narrowed_by_her_contacts_counts_and_pages_as_any_other(
    page: Page, site, counselor, shoot
):
    """The count, the pager and the next page of a list narrowed by a channel."""
    for i in range(27):
        make_contact(
            make_case(make_client(f"ライン{i:02d}"), assigned_to=counselor), channel="line"
        )
    make_contact(make_case(make_client("でんわ"), assigned_to=counselor), channel="phone")
    page.set_viewport_size(PHONE)
    sign_in(page, site, counselor)

    line = vocabulary("Channel", "line")
    page.goto(f"{site}/consultations/cases/?channel={line.pk}")
    table = page.locator("#case-table")
    expect(table).to_contain_text("27件")
    expect(table.locator("li.case-row")).to_have_count(25)
    shoot("cases-narrowed-counted-phone")

    page.get_by_role("link", name="次へ").click()
    expect(page.locator("#case-table")).to_contain_text("27件")
    expect(page.locator("[aria-current=page]").last).to_have_text("2 / 2 ページ")
    expect(page.locator("#case-table li.case-row")).to_have_count(2)
    expect(page.locator("#case-table")).not_to_contain_text("でんわ")
    shoot("cases-narrowed-counted-page2-phone")
