"""The migration that encrypts a woman's area and the role she took, live and in history.

It runs on the test database itself: back to before it, rows written as plain text the way the old
code stored them, forward again. Migrating alters tables, which only their owner may do, so these
tests run as the owner, in a transaction that undoes it all afterwards.
"""

import importlib

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from consultations.models import Client, SupportActivity
from kokona.crypto import decrypt
from kokona.db_roles import as_owner
from tests.conftest import load_reference_data
from tests.consultations.factories import make_case, make_client

NAME = "0005_encrypt_area_and_role_taken"
migration = importlib.import_module(f"consultations.migrations.{NAME}")


# Transactional, so that the owner's connection can be opened between transactions.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def as_the_owner(transactional_db):
    with as_owner(), transaction.atomic():
        load_reference_data()  # a transactional test may follow one that emptied every table
        yield
        transaction.set_rollback(True)


def sql(query: str, params: list[object] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def stored() -> dict[str, list[str]]:
    """The raw text of each column the migration encrypts, by table, in the order rows were
    written: what a dump of the database shows."""
    return {
        table: [v for (v,) in sql(f"SELECT {column}::text FROM {table} ORDER BY {pk}")]  # noqa: S608
        for table, pk, column, _context in migration.COLUMNS
    }


def history_rows() -> int:
    (count,) = sql(
        "SELECT (SELECT count(*) FROM consultations_clientevent)"
        " + (SELECT count(*) FROM consultations_supportactivityevent)"
    )[0]
    return count


def migrate_to(name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("consultations", name)])


def previous_migration() -> str:
    graph = MigrationExecutor(connection).loader.graph
    (parent,) = [
        node.key
        for node in graph.node_map[("consultations", NAME)].parents
        if node.key[0] == "consultations"
    ]
    return parent[1]


CLIENT_ROW = (
    "INSERT INTO consultations_client (nickname, under_18, area, household_notes, line_id, email,"
    " phone, line_hash, email_hash, phone_hash, may_contact_by_line, may_contact_by_email,"
    " may_contact_by_phone, strengths, interests, import_ref, version, created_at)"
    " VALUES (%s, false, %s, '', '', '', '', '', '', '', false, false, false, '', '', '', 1, now())"
    " RETURNING id"
)


@pytest.fixture
def before_the_migration():
    """The database as it was before: plain columns, and rows the old code wrote into them (its
    history triggers copying each value into the history tables)."""
    migrate_to(previous_migration())
    ((woman,),) = sql(CLIENT_ROW, ["かな", "釧路町遠矢"])
    sql("UPDATE consultations_client SET area = '白糠町' WHERE id = %s", [woman])
    sql(CLIENT_ROW, ["ゆい", ""])
    ((case,),) = sql(
        "INSERT INTO consultations_case (client_id, status, risk, restricted, opened_on,"
        " closing_reason, version, created_at, updated_at) VALUES (%s, 'supporting', 'low',"
        " false, current_date, '', 1, now(), now()) RETURNING id",
        [woman],
    )
    sql(
        "INSERT INTO consultations_supportactivity (case_id, kind, done_on, role_taken, notes,"
        " created_at) VALUES (%s, 'role', current_date, 'ピアサポーター', '', now())",
        [case],
    )
    # Run the deferred foreign-key checks now: a table with checks pending cannot be altered.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    assert stored() == PLAIN
    return woman


PLAIN = {
    "consultations_client": ["白糠町", ""],
    "consultations_clientevent": ["釧路町遠矢", "白糠町", ""],
    "consultations_supportactivity": ["ピアサポーター"],
    "consultations_supportactivityevent": ["ピアサポーター"],
}
CONTEXTS = {table: context for table, _pk, _column, context in migration.COLUMNS}


def test_it_encrypts_what_was_stored_in_plain_text_live_and_in_history(before_the_migration):
    events_before = history_rows()

    migrate_to(NAME)

    after = stored()
    for table, plain in PLAIN.items():
        for token, text in zip(after[table], plain, strict=True):
            if not text:
                assert token == "", table  # blank stays blank
                continue
            assert token.startswith("v1:") and text not in token, table
            assert decrypt(token, context=CONTEXTS[table]) == text, table
    # Storing a value differently is not an edit of her record: no history row was added.
    assert history_rows() == events_before
    # Only these columns: the models have moved on since this migration (later fields).
    clients = Client.objects.unscoped().values_list("area", flat=True)
    assert clients.get(pk=before_the_migration) == "白糠町"
    assert SupportActivity.objects.unscoped().values_list("role_taken", flat=True).get() == (
        "ピアサポーター"
    )


def test_running_it_again_encrypts_nothing_twice(before_the_migration):
    migrate_to(NAME)
    encrypted = stored()

    with connection.schema_editor() as editor:
        migration.encrypt_plaintext(None, editor)

    assert stored() == encrypted


def test_going_back_decrypts_to_plain_text(before_the_migration):
    migrate_to(NAME)

    migrate_to(previous_migration())

    assert stored() == PLAIN
    assert history_rows() == 4  # her insert and update, the blank one's insert, the activity's


def test_a_value_the_application_saved_is_not_encrypted_again(counselor):
    woman = make_client("かな", area="釧路町遠矢")
    make_case(woman, assigned_to=counselor)

    with connection.schema_editor() as editor:
        migration.encrypt_plaintext(None, editor)

    assert Client.objects.unscoped().get(pk=woman.pk).area == "釧路町遠矢"
