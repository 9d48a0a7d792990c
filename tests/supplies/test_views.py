"""The site manager's pages at work: forms that write the ledger, the site list's flags and
filters, the restock round, the exports."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kokona.models import AuditEvent
from supplies import queries, services
from supplies.models import OutreachPlacement, Site, StockMovement
from tests.supplies.factories import DAY, deliver, item, make_site, stock_store


@pytest.fixture
def site(site_manager):
    site = make_site("釧路市立 鳥取小学校", category="school_nurse", school_level="elementary")
    stock_store(site_manager, 30)
    deliver(site, site_manager, 10)
    return site


def stock(site=None, code="napkin_day") -> int:
    return StockMovement.objects.filter(item=item(code)).at(site).stock()


class TestRestock:
    def test_the_count_and_the_delivery_in_one_form(self, client_as, site, site_manager):
        response = client_as("site_manager").post(
            reverse("supplies:restock", args=[site.pk]),
            {"moved_on": "2021-07-01", "remaining_napkin_day": "3", "delivered_napkin_day": "9"},
        )

        assert response.status_code == 302 and response["Location"] == site.get_absolute_url()
        assert stock(site) == 12 and stock(None) == 11
        assert StockMovement.objects.get(site=site, kind="handout").quantity == -7

    def test_more_than_the_store_holds_comes_back_in_japanese(self, client_as, site):
        before = StockMovement.objects.count()

        response = client_as("site_manager").post(
            reverse("supplies:restock", args=[site.pk]),
            {"moved_on": "2021-07-01", "delivered_napkin_day": "50"},
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert (
            "「NPOの倉庫」のナプキン(昼用)は20パックしかないため、50パックは記録できません。"
            in html
        )
        assert StockMovement.objects.count() == before

    def test_an_empty_form_or_a_future_date_is_refused(self, client_as, site):
        url = reverse("supplies:restock", args=[site.pk])
        client = client_as("site_manager")

        empty = client.post(url, {"moved_on": "2021-07-01"})
        future = client.post(
            url,
            {
                "moved_on": str(timezone.localdate() + dt.timedelta(days=2)),
                "delivered_napkin_day": "1",
            },
        )

        assert "数を1つ以上入力してください。" in empty.content.decode()
        assert "未来の日付です。" in future.content.decode()
        assert StockMovement.objects.filter(site=site).count() == 1


def test_a_stock_take_adjusts_with_who_and_why(client_as, site, site_manager):
    response = client_as("site_manager").post(
        reverse("supplies:site_stock_take", args=[site.pk]),
        {"moved_on": "2021-07-01", "counted_napkin_day": "8", "reason": "夏休み前の棚卸"},
    )

    assert response.status_code == 302
    row = StockMovement.objects.get(kind="adjustment")
    assert (row.quantity, row.note, row.created_by) == (-2, "夏休み前の棚卸", site_manager)


def test_a_stock_take_needs_a_reason(client_as, site):
    response = client_as("site_manager").post(
        reverse("supplies:site_stock_take", args=[site.pk]),
        {"moved_on": "2021-07-01", "counted_napkin_day": "8"},
    )

    assert response.status_code == 400
    assert not StockMovement.objects.filter(kind="adjustment").exists()


def test_a_counselor_records_a_hand_out_at_a_site(client_as, site, counselor):
    response = client_as("counselor").post(
        reverse("supplies:hand_out"),
        {"site": site.pk, "item": item().pk, "quantity": "2", "moved_on": "2021-07-01"},
    )

    assert response.status_code == 302
    row = StockMovement.objects.get(kind="handout")
    assert (row.site, row.quantity, row.created_by) == (site, -2, counselor)


def test_a_receipt_and_a_disposal_at_the_store(client_as, site_manager):
    client = client_as("site_manager")
    client.post(
        reverse("supplies:receive"),
        {
            "item": item().pk,
            "quantity": "120",
            "source": "donation",
            "moved_on": "2021-07-01",
            "note": "市内企業から",
        },
    )
    refused = client.post(
        reverse("supplies:dispose"),
        {"item": item().pk, "quantity": "5", "moved_on": "2021-07-02"},
    )
    client.post(
        reverse("supplies:dispose"),
        {"item": item().pk, "quantity": "5", "moved_on": "2021-07-02", "reason": "浸水"},
    )

    assert refused.status_code == 400
    assert stock(None) == 115
    assert StockMovement.objects.get(kind="receipt").source == "donation"


def test_a_mistake_is_corrected_from_its_page(client_as, site, site_manager):
    wrong = deliver(site, site_manager, 15)
    url = reverse("supplies:reverse_entry", args=[wrong[0].entry])
    client = client_as("site_manager")

    page = client.get(url)
    response = client.post(url, {"reason": "15ではなく5"})

    assert "ナプキン(昼用)" in page.content.decode()
    assert response.status_code == 302
    assert stock(site) == 10
    again = client.post(url, {"reason": "もう一度"})
    assert "この記録はすでに訂正されています。" in again.content.decode()


class TestSites:
    def test_adding_a_school_needs_its_level(self, client_as, site_manager):
        data = {
            "name": "釧路市立 春採中学校",
            "category": Site._meta.get_field("category")
            .related_model.objects.get(code="school_nurse")
            .pk,
            "started_on": "2021-06-01",
            "restock_threshold": "4",
        }
        client = client_as("site_manager")

        refused = client.post(reverse("supplies:site_create"), data)
        level = Site._meta.get_field("school_level").related_model.objects.get(code="junior_high")
        added = client.post(reverse("supplies:site_create"), {**data, "school_level": level.pk})

        assert refused.status_code == 400
        assert "この学校の学校種別を選んでください。" in refused.content.decode()
        site = Site.objects.get()
        assert added["Location"] == site.get_absolute_url()
        assert site.created_by == site_manager
        assert AuditEvent.objects.filter(action="create", object_id=str(site.pk)).exists()

    def test_the_later_of_two_edits_is_refused_and_keeps_what_was_typed(self, client_as, site):
        url = reverse("supplies:site_edit", args=[site.pk])
        form = {
            "name": site.name,
            "category": site.category_id,
            "school_level": site.school_level_id,
            "started_on": "2021-04-01",
            "restock_threshold": "4",
            "version": "1",
        }
        client = client_as("site_manager")

        first = client.post(url, {**form, "phone": "0154-11-1111"})
        second = client.post(url, {**form, "ended_on": "2022-03-31"})

        assert first.status_code == 302
        assert second.status_code == 409
        assert 'value="2022-03-31"' in second.content.decode()
        site.refresh_from_db()
        assert (site.phone, site.ended_on, site.version) == ("0154-11-1111", None, 2)

    def test_the_list_flags_what_needs_restocking_and_since_when(
        self, client_as, site, site_manager
    ):
        full = make_site("釧路公立大学", category="school_nurse", school_level="university")
        stock_store(site_manager, 20)
        deliver(full, site_manager, 20)
        services.hand_out(item=item(), quantity=7, site=site, on=DAY, by=site_manager)

        html = client_as("site_manager").get(reverse("supplies:site_list")).content.decode()
        flagged = client_as("site_manager").get(reverse("supplies:site_list") + "?needs_restock=on")

        days = (timezone.localdate() - DAY).days
        assert html.count("補充が必要</span>") == 1
        assert f"{days}日前" in html
        assert "釧路市立 鳥取小学校" in flagged.content.decode()
        assert "釧路公立大学" not in flagged.content.decode()

    def test_the_list_filters_by_category_level_and_status(self, client_as, site):
        ended = make_site("国保課", ended_on=dt.date(2022, 2, 28))
        client = client_as("counselor")
        url = reverse("supplies:site_list")

        schools = client.get(url, {"category": site.category_id}).content.decode()
        gone = client.get(url, {"status": "ended"}).content.decode()
        default = client.get(url).content.decode()

        assert site.name in schools and ended.name not in schools
        assert ended.name in gone and site.name not in gone
        assert ended.name not in default

    def test_the_site_page_shows_stock_history_and_placements(self, client_as, site):
        OutreachPlacement.objects.create(
            kind="supermarket", name="ダイイチ 鳥取店", placed_on=DAY, site=site
        )

        html = client_as("site_manager").get(site.get_absolute_url()).content.decode()

        assert re.search(r'data-item="napkin_day">10 パック', html)
        assert "配送" in html and "ダイイチ 鳥取店" in html
        assert "学校保健室（小学校）" in html


def test_a_placement_needs_something_placed(client_as):
    data = {"kind": "convenience_store", "name": "ローソン 釧路栄町店", "placed_on": "2022-07-05"}
    client = client_as("site_manager")

    refused = client.post(reverse("supplies:placement_create"), data)
    added = client.post(reverse("supplies:placement_create"), {**data, "cards": "on"})

    assert refused.status_code == 400
    assert added.status_code == 302
    assert OutreachPlacement.objects.get().cards


class TestRound:
    def test_the_suggestion_follows_the_recent_pace(self, db):
        napkins = item()
        # 60 handed out over 90 days: 20 for the next 30; 4 on hand → 16 more.
        assert queries.suggestion(napkins, stock=4, handed_out=60, observed_days=90) == 16
        # No pace yet: at least what a site normally holds (10).
        assert queries.suggestion(napkins, stock=4, handed_out=0, observed_days=90) == 6
        # A site open for three days is judged over two weeks, not over three days.
        assert queries.suggestion(napkins, stock=0, handed_out=7, observed_days=3) == 15
        assert queries.suggestion(napkins, stock=40, handed_out=60, observed_days=90) == 0

    def test_the_round_lists_sites_by_area_for_print(self, client_as, site_manager):
        east = make_site("釧路市立 春採小学校", area="east", restock_threshold=5)
        central = make_site("釧路市 こども支援課", area="central", restock_threshold=5)
        full = make_site("釧路市 こども育成課", area="central", restock_threshold=5)
        stock_store(site_manager, 100)
        for each in (east, central, full):
            deliver(each, site_manager, 10)
        today = timezone.localdate()
        for each in (east, central):
            services.hand_out(item=item(), quantity=8, site=each, on=today, by=site_manager)

        html = client_as("site_manager").get(reverse("supplies:round")).content.decode()

        assert html.index("中心部") < html.index("釧路市 こども支援課") < html.index("東部")
        assert html.index("東部") < html.index("釧路市立 春採小学校")
        assert "釧路市 こども育成課" not in html
        assert html.count('class="tick"') == 2
        # Each stop's table has its head, drawn once for the sheet ({% capture %}).
        head = '<thead><tr><th scope="col">品目</th><th scope="col" class="num">帳簿</th>'
        assert html.count(head) == 2
        assert 'class="print-only blank"' in html
        assert "倉庫から積み込む数" in html

    def test_a_round_stop_says_where_whom_to_ask_and_what_to_bring(self, client_as, site_manager):
        site = make_site(
            "<b>釧路市立 春採小学校</b>",
            restock_threshold=5,
            address="春採7丁目",
            phone="0154-00-0000",
            contact_person="養護教諭 <i>田中</i>",
            delivery_notes="職員玄関から",
        )
        stock_store(site_manager, 30)
        deliver(site, site_manager, 4, on=timezone.localdate() - dt.timedelta(days=12))

        html = client_as("site_manager").get(reverse("supplies:round")).content.decode()

        stop = html[html.index('<article class="round-stop">') : html.index("</article>")]
        assert (
            f'<a href="{site.get_absolute_url()}">&lt;b&gt;釧路市立 春採小学校&lt;/b&gt;</a>'
            in stop
        )
        assert "春採7丁目 · 0154-00-0000 · 養護教諭 &lt;i&gt;田中&lt;/i&gt;" in stop
        assert "帳簿 4パック（補充の目安 5） · 最後の配送 12日前 · 職員玄関から" in stop
        assert '<td class="num">4</td><td class="num"><strong>' in stop  # napkins on the books
        assert reverse("supplies:restock", args=[site.pk]) in stop
        assert "<b>" not in stop and "<i>" not in stop

    def test_the_round_loads_from_the_stores_stock_not_the_sites(self, site_manager):
        """The sites' stock and the store's are read together (one query): each stays its own."""
        site = make_site("釧路市立 春採小学校", restock_threshold=5)
        stock_store(site_manager, 30)
        deliver(site, site_manager, 4)  # the store keeps 26; the site holds 4, below 5
        stock_store(site_manager, 7, code="liner")

        round_ = queries.restock_round()

        [stop] = [stop for area in round_.areas for stop in area.stops]
        lines = {line.item.code: line for line in stop.lines}
        assert lines["napkin_day"].stock == 4 and lines["liner"].stock == 0
        load = {entry.item.code: entry for entry in round_.load}
        assert load["napkin_day"].in_store == 26 and load["liner"].in_store == 7
        assert load["napkin_night"].in_store == 0 and load["napkin_night"].short

    def test_sites_not_visited_for_long_can_join_the_round(self, client_as, site_manager):
        quiet = make_site("音別町行政センター", restock_threshold=1)
        stock_store(site_manager, 10)
        deliver(quiet, site_manager, 10, on=dt.date(2021, 6, 1))
        url = reverse("supplies:round")

        assert quiet.name not in client_as("site_manager").get(url).content.decode()
        page = client_as("site_manager").get(url, {"not_visited_for": "60"})
        assert quiet.name in page.content.decode()


class TestExports:
    NAMES = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tタブ", "\r改行"]

    @pytest.fixture
    def risky(self, db):
        for n, name in enumerate(self.NAMES):
            make_site(name, restock_threshold=n + 3, started_on=dt.date(2021, 6, 1))

    def test_the_csv_escapes_every_cell_that_could_be_a_formula(self, client_as, risky):
        response = client_as("site_manager").get(reverse("supplies:site_export", args=["csv"]))

        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff名称,種別,学校種別")
        rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline="")))
        assert {row[0] for row in rows[1:]} == {"'" + name for name in self.NAMES}
        assert AuditEvent.objects.filter(action="export", object_type="supplies.site").exists()

    def test_the_excel_file_keeps_numbers_and_dates_and_escapes_text(self, client_as, risky):
        response = client_as("site_manager").get(reverse("supplies:site_export", args=["xlsx"]))

        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("名称", "種別", "学校種別")
        # Excel keeps a CR as a line break; every risky cell starts with the quote.
        names = {row[0].replace("\n", "\r") for row in rows[1:]}
        assert names == {"'" + name for name in self.NAMES}
        assert {type(row[10]) for row in rows[1:]} == {int}
        assert rows[1][6].date() == dt.date(2021, 6, 1)

    def test_an_unknown_format_is_not_found(self, client_as, risky):
        assert client_as("site_manager").get("/supplies/sites/export.pdf").status_code == 404

    def test_the_admin_export_goes_through_the_same_writer(self, client_as, risky):
        client = client_as("supervisor")
        url = reverse("admin:supplies_site_export")
        page = client.get(url).content.decode()
        chosen = dict.fromkeys(re.findall(r'name="(siteresource_[^"]+)"', page), "on")

        response = client.post(url, {"format": "0", "resource": "0", **chosen})

        content = response.content.decode("utf-8")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline="")))
        assert {row[0] for row in rows[1:]} == {"'" + name for name in self.NAMES}
        assert AuditEvent.objects.filter(action="export", detail__admin=True).exists()

    def test_placements_export_too(self, client_as, db):
        OutreachPlacement.objects.create(kind="other", name="=cmd", placed_on=DAY, poster=True)

        response = client_as("site_manager").get(reverse("supplies:placement_export", args=["csv"]))

        content = response.content.decode("utf-8")
        assert "'=cmd" in content and "その他" in content and "はい" in content
