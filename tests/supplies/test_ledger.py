"""The ledger's invariants: stock is the sum of the movements, never below zero, a stock-take
records its difference, and nothing written can be changed, only corrected."""

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

from kokona.db_roles import append_only_models, as_owner
from kokona.models import AuditEvent
from supplies import services
from supplies.models import StockBalance, StockMovement, lock_key
from tests.supplies.factories import DAY, deliver, item, make_site, stock_store


@pytest.fixture
def site(db):
    return make_site()


def stock(site=None, code="napkin_day") -> int:
    return StockMovement.objects.filter(item=item(code)).at(site).stock()


def test_stock_is_the_sum_of_the_movements(site, site_manager):
    stock_store(site_manager, 40)
    deliver(site, site_manager, 15)
    services.hand_out(item=item(), quantity=4, site=site, on=DAY, by=site_manager)
    services.dispose(item=item(), quantity=2, site=None, reason="濡れた", on=DAY, by=site_manager)

    assert stock(None) == 40 - 15 - 2
    assert stock(site) == 15 - 4
    rows = StockMovement.objects.filter(item=item())
    assert sum(rows.values_list("quantity", flat=True)) == stock(None) + stock(site)
    assert StockMovement.objects.balances() == {
        (item().pk, None): 23,
        (item().pk, site.pk): 11,
    }


def test_a_delivery_moves_packs_from_the_store_to_the_site_in_one_entry(site, site_manager):
    stock_store(site_manager, 10)

    rows = deliver(site, site_manager, 6)

    assert [(row.site, row.quantity) for row in rows] == [(None, -6), (site, 6)]
    assert len({row.entry for row in rows}) == 1
    assert (
        AuditEvent.objects.filter(action="create", object_type="supplies.stockmovement").count()
        == 3
    )


def test_taking_more_than_there_is_is_refused_in_japanese_and_writes_nothing(site, site_manager):
    stock_store(site_manager, 5)
    before = StockMovement.objects.count()

    with pytest.raises(services.NotEnoughStock) as refused:
        deliver(site, site_manager, 6)

    assert "NPOの倉庫" in refused.value.message
    assert "5パック" in refused.value.message
    assert "6" in refused.value.message
    assert StockMovement.objects.count() == before
    with pytest.raises(services.NotEnoughStock):
        services.hand_out(item=item(), quantity=1, site=site, on=DAY, by=site_manager)


def test_the_database_refuses_a_negative_stock_whoever_writes(site, site_manager):
    stock_store(site_manager, 3)

    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        StockMovement.objects.create(
            item=item(),
            kind="handout",
            quantity=-4,
            entry="00000000-0000-4000-8000-000000000001",
            created_by=site_manager,
        )
    assert stock(None) == 3


def test_a_stock_take_records_the_difference_with_who_and_why(site, site_manager):
    stock_store(site_manager, 30)
    deliver(site, site_manager, 12)

    rows = services.take_stock(
        site=site,
        counts={item(): 9, item("napkin_night"): 0},
        reason="年度末の棚卸",
        on=DAY,
        by=site_manager,
    )

    assert [(row.item.code, row.kind, row.quantity) for row in rows] == [
        ("napkin_day", "adjustment", -3),
        ("napkin_night", "adjustment", 0),  # a count that matched is kept too
    ]
    assert {(row.created_by, row.note) for row in rows} == {(site_manager, "年度末の棚卸")}
    assert stock(site) == 9


def test_a_restock_turns_the_count_into_hand_outs_then_delivers(site, site_manager):
    stock_store(site_manager, 50)
    deliver(site, site_manager, 10)

    services.restock(
        site=site,
        lines=[
            services.RestockLine(item(), remaining=4, delivered=6),
            services.RestockLine(item("napkin_night"), remaining=None, delivered=0),
        ],
        on=DAY,
        by=site_manager,
    )

    assert stock(site) == 10
    assert stock(None) == 34
    handout = StockMovement.objects.get(kind="handout")
    assert (handout.quantity, handout.note) == (-6, "補充時の残数から")


def test_a_restock_refuses_to_deliver_more_than_the_store_holds(site, site_manager):
    stock_store(site_manager, 3)

    with pytest.raises(services.NotEnoughStock):
        services.restock(
            site=site, lines=[services.RestockLine(item(), 0, 5)], on=DAY, by=site_manager
        )
    assert not StockMovement.objects.filter(site=site).exists()


class TestCorrections:
    def test_a_mistake_is_corrected_by_a_reversing_entry(self, site, site_manager):
        stock_store(site_manager, 100)
        wrong = deliver(site, site_manager, 60)

        rows = services.reverse_entry(entry=wrong[0].entry, reason="60ではなく6", by=site_manager)

        assert stock(None) == 100 and stock(site) == 0
        assert [row.reverses for row in rows] == wrong
        assert {row.moved_on for row in rows} == {DAY}
        assert StockMovement.objects.count() == 5  # nothing deleted

    def test_an_entry_is_corrected_once_and_a_correction_never(self, site, site_manager):
        stock_store(site_manager, 100)
        wrong = deliver(site, site_manager, 60)
        correction = services.reverse_entry(entry=wrong[0].entry, reason="誤り", by=site_manager)

        with pytest.raises(services.CannotReverse):
            services.reverse_entry(entry=wrong[0].entry, reason="もう一度", by=site_manager)
        with pytest.raises(services.CannotReverse):
            services.reverse_entry(entry=correction[0].entry, reason="戻す", by=site_manager)

    def test_a_correction_that_would_go_below_zero_is_refused(self, site, site_manager):
        receipt = stock_store(site_manager, 10)
        deliver(site, site_manager, 8)

        with pytest.raises(services.NotEnoughStock):
            services.reverse_entry(entry=receipt[0].entry, reason="誤り", by=site_manager)


class TestNothingWrittenChanges:
    def test_the_app_cannot_update_or_delete_a_movement_even_with_sql(self, site, site_manager):
        [row] = stock_store(site_manager, 10)

        for sql in [
            "UPDATE supplies_stockmovement SET quantity = 1000 WHERE id = %s",
            "DELETE FROM supplies_stockmovement WHERE id = %s",
        ]:
            with (
                pytest.raises(DatabaseError, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [row.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            StockMovement.objects.filter(pk=row.pk).update(quantity=1000)
        assert stock(None) == 10

    def test_the_owner_is_refused_by_the_trigger(self, transactional_db, site_manager):
        # The owner holds every privilege; the append_only trigger still refuses.
        make_site()
        [row] = stock_store(site_manager, 10)
        with as_owner():
            for sql in [
                "UPDATE supplies_stockmovement SET quantity = 1000 WHERE id = %s",
                "DELETE FROM supplies_stockmovement WHERE id = %s",
            ]:
                with (
                    pytest.raises(DatabaseError, match="append_only"),
                    transaction.atomic(),
                    connection.cursor() as cursor,
                ):
                    cursor.execute(sql, [row.pk])
        assert stock(None) == 10

    def test_the_ledger_is_an_append_only_table_for_the_grants(self):
        tables = {model._meta.db_table for model in append_only_models()}

        assert "supplies_stockmovement" in tables
        assert {"supplies_siteevent", "supplies_outreachplacementevent"} <= tables
        assert not {"supplies_site", "supplies_outreachplacement"} & tables

    def test_the_app_may_read_and_append_the_ledger_only(self, db):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(current_user, 'supplies_stockmovement', p)"
                " FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p"
            )
            assert [granted for (granted,) in cursor.fetchall()] == [
                True,
                True,
                False,
                False,
                False,
            ]


def test_a_movement_points_at_no_woman():
    from supplies.models import Site

    for model in (StockMovement, Site):
        related = {
            f.related_model._meta.app_label
            for f in model._meta.get_fields()
            if f.is_relation and f.related_model
        }
        assert "consultations" not in related


def test_receipts_keep_their_source_and_sites_cannot_receive(site, site_manager):
    [row] = stock_store(site_manager, 10)
    assert row.source == "purchase"

    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(
            item=item(),
            site=site,
            kind="receipt",
            source="donation",
            quantity=5,
            entry="00000000-0000-4000-8000-000000000002",
            created_by=site_manager,
            moved_on=dt.date(2021, 6, 2),
        )


def test_the_kept_balances_are_the_sums_of_the_rows_after_every_kind_of_movement(
    site, site_manager
):
    other = make_site("釧路市 中部地区会館")
    stock_store(site_manager, 60)
    stock_store(site_manager, 30, code="napkin_night")
    deliver(site, site_manager, 15)
    rows = deliver(other, site_manager, 9, code="napkin_night")
    services.hand_out(item=item(), quantity=4, site=site, on=DAY, by=site_manager)
    services.dispose(item=item(), quantity=2, site=None, reason="濡れた", on=DAY, by=site_manager)
    services.take_stock(site=site, counts={item(): 10}, reason="数え直し", on=DAY, by=site_manager)
    services.reverse_entry(entry=rows[0].entry, reason="入力の誤り", by=site_manager)

    kept = StockBalance.objects.of()

    assert kept == StockMovement.objects.balances()
    assert kept[(item().pk, site.pk)] == 10  # 15 in, 4 handed out, then counted 10
    assert kept[(item("napkin_night").pk, other.pk)] == 0  # the delivery taken back
    assert StockBalance.objects.at(None).by_item() == {
        item().pk: 60 - 15 - 2,
        item("napkin_night").pk: 30,
    }


def test_the_trigger_takes_the_lock_the_services_take(site, site_manager):
    stock_store(site_manager, 5)
    with transaction.atomic():
        StockMovement.objects.create(
            item=item(),
            kind="delivery",
            quantity=-1,
            moved_on=DAY,
            created_by=site_manager,
            entry=uuid.uuid4(),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks"
                " WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 1"
            )
            held = {key for (key,) in cursor.fetchall()}

    assert lock_key(item().pk, None) in held


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE supplies_stockbalance SET quantity = quantity + 100",
        "DELETE FROM supplies_stockbalance",
        "INSERT INTO supplies_stockbalance (item_id, site_id, quantity)"
        " SELECT id, NULL, 1000 FROM supplies_item",
        "TRUNCATE supplies_stockbalance",
    ],
)
def test_the_app_role_reads_the_balances_but_only_the_trigger_writes_them(
    site, site_manager, statement
):
    stock_store(site_manager, 40)
    deliver(site, site_manager, 15)  # the trigger still keeps them, as the tables' owner

    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert StockBalance.objects.of() == {(item().pk, None): 25, (item().pk, site.pk): 15}


def test_the_balances_trigger_runs_as_its_owner_with_a_fixed_search_path(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner) = current_user"
            " FROM pg_proc p WHERE p.proname LIKE 'pgtrigger_stock_never_negative_%'"
        )
        [(definer, config, owned_by_app)] = cursor.fetchall()

    assert definer is True
    assert config == ["search_path=public, pg_temp"]
    assert owned_by_app is False
