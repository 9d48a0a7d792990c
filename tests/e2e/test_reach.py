"""A woman scans a card's QR code on her phone, writes to us through the web form, and a counselor
finds her message in the inbox on her home and takes it; the quick exit leaves no way back."""

import re

import pytest
from playwright.sync_api import Page, expect

from consultations.models import ReachSettings
from supplies.models import CardLink, ScanDay
from tests.e2e.test_record_consultation import DESKTOP, PHONE, sign_in
from tests.supplies.factories import make_placement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def card(db):
    ReachSettings(
        line_url="https://line.example/ti/p/kokonap",
        line_name="@kokonap",
        phone="0154-00-0000",
        email="soudan@kokonap.example",
        exit_url="about:blank",
    ).save()
    return CardLink.objects.for_placement(make_placement("セブン-イレブン 釧路鳥取店"))


def test_from_a_card_in_a_toilet_to_a_counselor(
    page: Page, site, card, counselor, csp_violations, shoot
):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/r/{card.code}/")

    expect(page.get_by_role("heading", name="ひとりで悩まず、話してみませんか")).to_be_visible()
    expect(page.get_by_role("link", name="すぐに閉じる")).to_be_visible()
    expect(page.get_by_text("0120-279-889")).to_be_visible()
    assert page.context.cookies() == []
    shoot("reach-landing-phone")
    assert ScanDay.objects.get(link=card).scans == 1

    page.get_by_role("link", name=re.compile("ここから相談を書く")).click()
    page.get_by_role("button", name="送信する").click()  # empty: the errors come back
    expect(page.locator(".error-summary")).to_contain_text(
        "困っていることを、ひとことでも書いてください。"
    )
    page.get_by_label("困っていること・話したいこと").fill(
        "彼からのLINEが怖くて、家に帰りたくないです。"
    )
    page.get_by_label("呼び名（任意）").fill("みう")
    page.locator("label.chip", has_text="メールで").click()
    page.get_by_label("お返事先（LINE ID・メールアドレス・電話番号）").fill("miu@example.jp")
    shoot("reach-form-phone")
    page.get_by_role("button", name="送信する").click()

    expect(page.get_by_role("heading", name="相談が届きました")).to_be_visible()
    expect(page.get_by_text("#8008")).to_be_visible()
    shoot("reach-sent-phone")
    assert [c["name"] for c in page.context.cookies()] == ["__Host-csrftoken"]
    assert all(url.startswith(site) for url in requests), [
        u for u in requests if not u.startswith(site)
    ]
    assert csp_violations == []

    page.context.clear_cookies()
    sign_in(page, site, counselor)
    inbox = page.locator("[data-inbox]")
    expect(inbox).to_contain_text("みう")
    expect(inbox).to_contain_text("Webフォーム")
    expect(inbox).to_contain_text("セブン-イレブン 釧路鳥取店")
    shoot("reach-inbox-phone")
    inbox.get_by_role("button", name="担当する").first.click()
    expect(page.get_by_role("status")).to_contain_text("担当を変更しました")
    page.goto(f"{site}/consultations/")
    expect(page.locator("[data-inbox]")).not_to_contain_text("みう")


def test_the_landing_page_and_form_on_a_desktop_and_the_quick_exit(
    page: Page, site, card, shoot, csp_violations
):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/r/{card.code}/")
    shoot("reach-landing-desktop")
    page.goto(f"{site}/r/{card.code}/form/")
    shoot("reach-form-desktop")

    page.get_by_role("link", name="すぐに閉じる").click()
    page.wait_for_url("about:blank")
    page.go_back()
    # The form replaced by the neutral page: back leads to the landing page, never the form.
    assert "/form/" not in page.url
    assert csp_violations == []
