"""A site manager records a restock from her phone and sees the new stock; the site list, the
site page and the restock round (on screen and as the A4 sheet the browser prints) are saved for
people to look at."""

import datetime as dt
import shutil
import subprocess  # nosec B404 - pdftoppm, to look at the printed sheet

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from supplies import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import SHOTS
from tests.e2e.test_record_consultation import DESKTOP, PHONE
from tests.supplies.factories import deliver, item, make_site, stock_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITES = [
    ("釧路市立 鳥取小学校", "school_nurse", "elementary", "tottori", 7),
    ("釧路市立 鳥取中学校", "school_nurse", "junior_high", "tottori", 2),
    ("北海道釧路湖陵高等学校", "school_nurse", "high_school", "east", 8),
    ("釧路市男女平等参画センター「ふらっと」", "gender_equality_center", None, "central", 9),
    ("生活相談支援センター「くらしごと」", "living_support_center", None, "central", 8),
    ("釧路市 こども支援課", "city_section", None, "central", 1),
    ("阿寒町行政センター", "administrative_center", None, "akan", 6),
]


def sign_in_as_site_manager(page: Page, site: str, user) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{site}/supplies/")


@pytest.fixture
def sites(site_manager):
    stock_store(site_manager, 400)
    stock_store(site_manager, 200, code="napkin_night")
    stock_store(site_manager, 300, code="card")
    today = timezone.localdate()
    made = []
    for name, category, level, area, handed in SITES:
        place = make_site(
            name,
            category=category,
            school_level=level,
            area=area,
            restock_threshold=8,
            address="釧路市",
            has_consultation=level is None,
            started_on=dt.date(2021, 6, 1),
            delivery_notes="平日 9:00〜16:00。職員玄関から。" if level else "",
        )
        deliver(place, site_manager, 10, on=today - dt.timedelta(days=40))
        deliver(place, site_manager, 5, code="napkin_night", on=today - dt.timedelta(days=40))
        deliver(place, site_manager, 20, code="card", on=today - dt.timedelta(days=40))
        services.hand_out(
            item=item(),
            quantity=handed,
            site=place,
            on=today - dt.timedelta(days=3),
            by=site_manager,
        )
        made.append(place)
    return made


def test_a_restock_from_a_phone(page: Page, site, site_manager, sites, csp_violations, shoot):
    page.set_viewport_size(PHONE)
    sign_in_as_site_manager(page, site, site_manager)
    expect(page.get_by_role("heading", name="補充が必要")).to_be_visible()
    shoot("supplies-home-phone")

    page.get_by_role("link", name="提供場所の一覧").click()
    expect(page.locator(".site-row").first).to_contain_text("補充が必要")
    shoot("supplies-sites-phone")

    page.get_by_role("link", name="釧路市立 鳥取小学校").click()
    stock = page.locator('td[data-item="napkin_day"]')
    expect(stock).to_have_text("3 パック")
    shoot("supplies-site-phone")

    page.get_by_role("link", name="補充を記録", exact=True).click()
    page.get_by_label("ナプキン(昼用)：残っていた数").fill("2")
    page.get_by_label("ナプキン(昼用)：届けた数").fill("10")
    page.get_by_label("ナプキン(夜用)：届けた数").fill("2")
    shoot("supplies-restock-phone")
    page.get_by_role("button", name="補充を記録する").click()

    expect(page.get_by_role("status")).to_contain_text("補充を記録しました")
    expect(page.locator('td[data-item="napkin_day"]')).to_have_text("12 パック")
    expect(page.locator('td[data-item="napkin_night"]')).to_have_text("7 パック")
    expect(page.locator(".movement").first).to_contain_text("配送")
    assert csp_violations == []


def test_the_restock_round_on_screen_and_on_a4(
    page: Page, site, site_manager, sites, csp_violations, shoot
):
    page.set_viewport_size(PHONE)
    sign_in_as_site_manager(page, site, site_manager)
    page.get_by_role("link", name="補充ルート").first.click()
    expect(page.get_by_role("heading", name="鳥取・新富士")).to_be_visible()
    shoot("supplies-round-phone")

    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="print")
    shoot("supplies-round-print-media")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "supplies-round.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.stat().st_size > 10_000
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(  # noqa: S603  # nosec B603 - a fixed program on a file this test wrote
            [pdftoppm, "-png", "-r", "70", str(pdf), str(SHOTS / "supplies-round-a4")], check=True
        )
    assert csp_violations == []


def test_the_site_pages_at_desktop_width(
    page: Page, site, site_manager, sites, shoot, csp_violations
):
    page.set_viewport_size(DESKTOP)
    sign_in_as_site_manager(page, site, site_manager)
    shoot("supplies-home-desktop")
    page.goto(f"{site}/supplies/sites/")
    page.locator("#filters summary").click()  # the filters are fetched as the panel opens
    expect(page.locator("#filters select[name=area]")).to_be_visible()
    shoot("supplies-sites-desktop")
    page.goto(f"{site}{sites[3].get_absolute_url()}")
    shoot("supplies-site-desktop")
    assert csp_violations == []
