"""City staff sign in, pick 令和3年度 and see the three targets against the demo's actuals (74 of
70 sites, 20 of 66 people, 83.7% of 80%), download the Excel report and the PDF. Screenshots of
the dashboard at phone and desktop width, and the PDF's first page, are saved to be looked at."""

import io
import shutil
import subprocess  # nosec B404 - pdftoppm, to look at the PDF's first page

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from kokona import demo
from kokona.demo import DEMO_PASSWORD
from tests.e2e.conftest import SHOTS
from tests.e2e.test_record_consultation import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(settings):
    users = demo.seed_users()
    for seed in demo.seeds():
        seed(users)


def sign_in_as_city_staff(page: Page, site: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill("shi")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="目標と実績")).to_be_visible()


def card(page: Page, name: str):
    return page.locator(".kpi-card").filter(has=page.get_by_role("heading", name=name, exact=True))


def test_city_staff_see_reiwa_3_against_its_targets(
    page: Page, site, demo_data, shoot, csp_violations
):
    page.set_viewport_size(PHONE)
    sign_in_as_city_staff(page, site)

    page.get_by_label("年度", exact=True).select_option(label="令和3年度（2021年度）")
    page.get_by_role("button", name="表示").click()

    expect(page).to_have_url(f"{site}/reports/2021/")
    sites = card(page, "生理用品の配置場所数")
    expect(sites.locator(".kpi-card__number")).to_have_text("74")
    expect(sites).to_contain_text("70か所")
    expect(sites).to_contain_text("達成")
    people = card(page, "相談実人数")
    expect(people.locator(".kpi-card__number")).to_have_text("20")
    expect(people).to_contain_text("66人")
    expect(people).to_contain_text("未達")
    satisfaction = card(page, "満足度")
    expect(satisfaction.locator(".kpi-card__number")).to_have_text("83.7")
    expect(satisfaction).to_contain_text("80%")
    shoot("reports-dashboard-390")

    # The breakdowns, each drawn beside its table, small counts hidden for the city.
    channels = page.get_by_role("region", name="相談経路別の相談件数")
    expect(channels.get_by_role("rowheader", name="LINE")).to_be_visible()
    expect(page.locator("#breakdown-contacts_by_channel ~ div svg[role=img]")).to_be_visible()
    expect(page.locator(".breakdown__table").first).to_contain_text("5未満")
    expect(
        page.get_by_role("heading", name="プログラム別の開催回数・参加者数・託児")
    ).to_be_visible()

    # A wide table scrolls in a box the keyboard can reach.
    region = page.get_by_role("region", name="延べ相談件数（月別）")
    region.focus()
    expect(region).to_be_focused()

    page.set_viewport_size(DESKTOP)
    shoot("reports-dashboard-1280")

    # The links' own addresses, fetched with the browser's session (as a click downloads them).
    excel = page.request.get(
        site + page.get_by_role("link", name="実績報告（Excel）").get_attribute("href")
    )
    assert excel.ok and "attachment" in excel.headers["content-disposition"]
    book = load_workbook(io.BytesIO(excel.body()))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[4][:4] == ["生理用品の配置場所数", "か所", 70, 74]

    pdf = page.request.get(
        site + page.get_by_role("link", name="実績報告（PDF）").get_attribute("href")
    )
    assert pdf.ok
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / "reports-year-end-2021.pdf"
    target.write_bytes(pdf.body())
    assert target.read_bytes().startswith(b"%PDF-")
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: bash .ci/run installs it"
    subprocess.run(  # noqa: S603  # nosec B603 - a fixed program on a file this test wrote
        [
            pdftoppm,
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "3",
            str(target),
            str(SHOTS / "reports-pdf"),
        ],
        check=True,
    )
    assert csp_violations == []
