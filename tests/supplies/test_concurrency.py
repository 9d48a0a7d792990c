"""Two people recording at the same moment, on two real database connections (one per thread):
the per-(item, location) lock makes the second wait for the first, read the stock the first left,
and be refused; stock never goes below zero. The database trigger holds the same line for a
writer that skips the services."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError

from supplies import services
from supplies.models import StockMovement
from tests.conftest import load_reference_data
from tests.supplies.factories import DAY, item, make_site, stock_store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    load_reference_data()


def in_thread(work, results: dict, name: str) -> threading.Thread:
    """Run `work` in a thread of its own, so on its own database connection."""

    def run() -> None:
        try:
            results[name] = work()
        except Exception as error:  # noqa: BLE001 - the test reads what happened
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_second_delivery_waits_for_the_first_and_is_refused(site_manager):
    store_item = item()
    site_a, site_b = make_site("釧路市立 鳥取小学校"), make_site("釧路公立大学")
    stock_store(site_manager, 10)
    first_wrote, let_first_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    pids: dict[str, int] = {}

    def first() -> object:
        pids["first"] = backend_pid()
        with transaction.atomic():
            rows = services.deliver(site=site_a, lines={store_item: 8}, on=DAY, by=site_manager)
            first_wrote.set()
            let_first_commit.wait(10)  # holds the lock, uncommitted
        return rows

    def second() -> object:
        first_wrote.wait(10)
        pids["second"] = backend_pid()
        return services.deliver(site=site_b, lines={store_item: 8}, on=DAY, by=site_manager)

    a = in_thread(first, results, "first")
    b = in_thread(second, results, "second")
    first_wrote.wait(10)
    time.sleep(0.5)
    # The second is blocked on the first's advisory lock, not finished and not refused yet.
    assert "second" not in results
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND pid = %s",
            [pids["second"]],
        )
        assert cursor.fetchone()[0] == 1
    assert pids["first"] != pids["second"] != backend_pid()
    let_first_commit.set()
    a.join(10)
    b.join(10)

    assert isinstance(results["first"], list)
    assert isinstance(results["second"], services.NotEnoughStock)
    assert "2パック" in results["second"].message
    store = StockMovement.objects.filter(item=store_item).at(None).stock()
    assert store == 2
    assert StockMovement.objects.filter(site=site_b).count() == 0


@pytest.mark.parametrize("attempt", range(3))
def test_two_deliveries_of_the_last_packs_at_once_sell_them_once(site_manager, attempt):
    store_item = item()
    sites = [make_site(f"提供場所{attempt}-{n}") for n in range(2)]
    stock_store(site_manager, 5)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def deliver(site):
        def work() -> object:
            start.wait(10)
            return services.deliver(site=site, lines={store_item: 5}, on=DAY, by=site_manager)

        return work

    threads = [in_thread(deliver(site), results, site.name) for site in sites]
    for thread in threads:
        thread.join(10)

    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["NotEnoughStock", "list"]
    assert StockMovement.objects.filter(item=store_item).at(None).stock() == 0


def test_the_trigger_holds_the_line_for_writers_that_skip_the_services(site_manager):
    """Two raw inserts taking the last 3 packs each, at once: the trigger's lock and sum let one
    through and abort the other."""
    stock_store(site_manager, 3)
    store_item = item()
    first_inserted, let_first_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def insert(wait_for_first: bool):
        def work() -> object:
            if wait_for_first:
                first_inserted.wait(10)
            with transaction.atomic():
                row = StockMovement.objects.create(
                    item=store_item,
                    kind="handout",
                    quantity=-3,
                    entry=uuid.uuid4(),
                    created_by=site_manager,
                )
                if not wait_for_first:
                    first_inserted.set()
                    let_first_commit.wait(10)
            return row

        return work

    a = in_thread(insert(False), results, "first")
    b = in_thread(insert(True), results, "second")
    first_inserted.wait(10)
    time.sleep(0.5)
    assert "second" not in results  # waiting on the trigger's lock
    let_first_commit.set()
    a.join(10)
    b.join(10)

    assert isinstance(results["first"], StockMovement)
    assert isinstance(results["second"], IntegrityError)
    assert StockMovement.objects.filter(item=store_item).at(None).stock() == 0
