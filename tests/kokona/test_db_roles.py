"""The app's database role can erase nothing: what an attacker with its credentials tried (issue 6).

Tests run as the app's role (DATABASE_URL); the test database was created and migrated by the
owner (MIGRATE_DATABASE_URL), see tests/conftest.py.
"""

import io

import pghistory
import pghistory.models
import pgtrigger
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from psycopg.sql import SQL, Identifier

from consultations.models import Client, ClientEvent, Referral
from kokona import audit
from kokona.db_roles import (
    app_role,
    append_only_models,
    as_owner,
    owner_maintenance_connection,
    owner_role,
)
from kokona.models import AuditEvent, UserGroupEvent
from kokona.roles import Role
from tests.conftest import PASSWORD, load_reference_data, make_user
from tests.consultations.factories import agency, make_case, make_client

APPEND_ONLY_TABLES = [model._meta.db_table for model in append_only_models()]


def query(sql: str, params: list[object] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def refused(sql: str, params: list[object] | None = None) -> str:
    """Run `sql` in a savepoint; it must fail. Returns the database's message."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        query(sql, params)
    return str(error.value)


@pytest.fixture
def case(counselor):
    return make_case(assigned_to=counselor)


@pytest.fixture
def event(counselor):
    return audit.record(audit.Action.FAILED_LOGIN, by=None, username="sakura")


# The role


def test_the_app_runs_as_its_own_role_which_is_no_superuser(db):
    [(user, superuser, create_role, create_db)] = query(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
        "WHERE rolname = current_user"
    )

    assert user == app_role() != owner_role()
    assert (superuser, create_role, create_db) == (False, False, False)


def test_the_app_role_owns_nothing(db):
    owned = query(
        "SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user) "
        "UNION ALL SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user) "
        "UNION ALL SELECT nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user)"
    )

    assert owned == []


def test_audit_and_history_tables_are_found_in_the_model_registry():
    assert {
        "kokona_auditevent",
        "django_admin_log",
        "kokona_userevent",
        "kokona_usergroupevent",
        "consultations_clientevent",
        "consultations_caseevent",
        "consultations_contactevent",
        "consultations_referralevent",
        "consultations_supportactivityevent",
        "consultations_casestatuschange",
    } <= set(APPEND_ONLY_TABLES)
    # Live tables, whatever conditional rule protects some of their rows.
    assert not {"consultations_referral", "kokona_user", "consultations_client"} & set(
        APPEND_ONLY_TABLES
    )


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_app_may_read_and_append_audit_and_history_but_never_change_them(db, table):
    [privileges] = query(
        "SELECT has_table_privilege(current_user, %(t)s, 'SELECT'), "
        "has_table_privilege(current_user, %(t)s, 'INSERT'), "
        "has_table_privilege(current_user, %(t)s, 'UPDATE'), "
        "has_table_privilege(current_user, %(t)s, 'DELETE'), "
        "has_table_privilege(current_user, %(t)s, 'TRUNCATE'), "
        "has_any_column_privilege(current_user, %(t)s, 'UPDATE')",
        {"t": table},  # type: ignore[arg-type]
    )

    assert privileges == (True, True, False, False, False, False)


def test_history_context_may_only_have_its_metadata_updated(db):
    [privileges] = query(
        "SELECT has_column_privilege(current_user, 'pghistory_context', 'metadata', 'UPDATE'), "
        "has_column_privilege(current_user, 'pghistory_context', 'id', 'UPDATE'), "
        "has_table_privilege(current_user, 'pghistory_context', 'DELETE'), "
        "has_table_privilege(current_user, 'pghistory_context', 'TRUNCATE')"
    )

    assert privileges == (True, False, False, False)


# What the attacker did with the superuser's rights, tried again with the app's


def ignore_ids(label: str) -> list[str]:
    """What pgtrigger.ignore() would set for every trigger of a model: each trigger's id, and its
    table and id."""
    ids = []
    for model, trigger in pgtrigger.registered():
        if model._meta.label == label:
            pgid = trigger.get_pgid(model)
            ids += [pgid, f"{model._meta.db_table}:{pgid}"]
    return ids


def test_ignoring_the_trigger_does_not_let_it_delete_audit_rows(event):
    ignore = "{" + ",".join(ignore_ids("kokona.AuditEvent")) + "}"

    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        query("SET LOCAL pgtrigger.ignore = %s", [ignore])
        query("DELETE FROM kokona_auditevent")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_cannot_truncate_the_audit_trail(event):
    assert "permission denied" in refused("TRUNCATE kokona_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE kokona_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE consultations_clientevent DISABLE TRIGGER USER",
        "DROP TRIGGER kokona_history_context_only_grows ON pghistory_context",
    ],
)
def test_it_cannot_switch_triggers_off(db, statement):
    assert "must be owner" in refused(statement)


def test_it_cannot_turn_triggers_off_by_replication_role(db):
    assert "permission denied" in refused("SET session_replication_role = replica")


# The history context: pghistory's trigger upserts it, so the app may update it, but only to add


@pytest.fixture
def context_id(counselor):
    with pghistory.context(user=counselor.pk, request_id="r-1"):
        woman = make_client("あや")
    return ClientEvent.objects.get(pgh_obj=woman).pgh_context_id


def metadata(context_id) -> dict:
    return pghistory.models.Context.objects.get(pk=context_id).metadata


def test_a_history_context_may_gain_keys(context_id, counselor):
    query(
        'UPDATE pghistory_context SET metadata = metadata || \'{"url": "/x/"}\' WHERE id = %s',
        [context_id],
    )

    assert metadata(context_id) == {"user": counselor.pk, "request_id": "r-1", "url": "/x/"}


@pytest.mark.parametrize(
    "rewrite",
    [
        "jsonb_set(metadata, '{user}', '999')",
        "metadata - 'request_id'",
        "'{}'::jsonb",
    ],
    ids=["another-actor", "key-removed", "emptied"],
)
def test_a_history_context_cannot_be_rewritten(context_id, counselor, rewrite):
    message = refused(
        f"UPDATE pghistory_context SET metadata = {rewrite} WHERE id = %s",  # noqa: S608
        [context_id],
    )

    assert "never be rewritten" in message
    assert metadata(context_id) == {"user": counselor.pk, "request_id": "r-1"}


def test_ignoring_triggers_does_not_let_it_rewrite_a_context(context_id, counselor):
    with pytest.raises(DatabaseError, match="never be rewritten"), transaction.atomic():
        query(
            "SELECT set_config('pgtrigger.ignore', "
            "'{pghistory_context:kokona_history_context_only_grows}', true)"
        )
        query("UPDATE pghistory_context SET metadata = '{}' WHERE id = %s", [context_id])

    assert metadata(context_id)["user"] == counselor.pk


def test_history_rows_cannot_be_pointed_at_another_context(context_id):
    assert "permission denied" in refused(
        "UPDATE pghistory_context SET id = gen_random_uuid() WHERE id = %s", [context_id]
    )


def test_an_actor_unknown_before_sign_in_may_be_filled_in(counselor):
    with pghistory.context(user=None, url="/login/"):
        woman = make_client("あや")
        pghistory.context(user=counselor.pk)  # as Django's login() does through request.user
        Client.objects.unscoped().filter(pk=woman.pk).update(nickname="あやか")

    update = ClientEvent.objects.get(pgh_obj=woman, pgh_label="update")
    assert update.pgh_context.metadata == {"user": counselor.pk, "url": "/login/"}


# History of deletes and of roles


def test_deleting_a_tracked_row_leaves_its_last_state_with_actor_and_request(supervisor):
    woman = make_client("あや", strengths="歌が得意")

    with pghistory.context(user=supervisor.pk, request_id="r-9"):
        Client.objects.unscoped().filter(pk=woman.pk).delete()

    deleted = ClientEvent.objects.get(pgh_obj_id=woman.pk, pgh_label="delete")
    assert deleted.nickname == "あや"
    assert deleted.strengths == "歌が得意"
    assert deleted.pgh_context.metadata == {"user": supervisor.pk, "request_id": "r-9"}


def test_granting_and_taking_away_a_role_leaves_history(client_as, supervisor, counselor):
    client = client_as("supervisor")
    supervisors = Group.objects.get(name=Role.SUPERVISOR)

    def save_groups(*groups: Group) -> str:
        response = client.post(
            reverse("admin:kokona_user_change", args=[counselor.pk]),
            {
                "username": counselor.username,
                "display_name": counselor.display_name,
                "is_active": "on",
                "groups": [group.pk for group in groups],
                "confirm_password": PASSWORD,  # granting a role asks the granter's password
                "date_joined_0": "2026-04-01",
                "date_joined_1": "09:00:00",
            },
        )
        assert response.status_code == 302
        return response["X-Request-ID"]

    counselors = Group.objects.get(name=Role.COUNSELOR)
    granted = save_groups(counselors, supervisors)
    taken = save_groups(counselors)

    events = UserGroupEvent.objects.filter(user=counselor, group=supervisors).order_by("pgh_id")
    assert [(e.pgh_label, e.pgh_context.metadata["request_id"]) for e in events] == [
        ("group.add", granted),
        ("group.remove", taken),
    ]
    assert {e.pgh_context.metadata["user"] for e in events} == {supervisor.pk}


# The owner's side: migrate, flush, createdb


def test_switching_to_the_owner_inside_a_transaction_is_refused(db):
    with pytest.raises(RuntimeError, match="transaction"), as_owner():
        pass


@pytest.fixture
def reference_data(transactional_db):
    # A transactional test starts after others may have emptied every table.
    load_reference_data()


def privileges_on(table: str) -> set[str]:
    return {
        privilege
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES")
        if query(f"SELECT has_table_privilege(%s, %s, '{privilege}')", [app_role(), table])[0][0]
    }


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_puts_the_grants_right_again(reference_data):
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(f'GRANT ALL ON kokona_auditevent, consultations_client TO "{app_role()}"')
    assert "TRUNCATE" in privileges_on("kokona_auditevent")

    call_command("migrate", verbosity=0)

    assert privileges_on("kokona_auditevent") == {"SELECT", "INSERT"}
    assert privileges_on("consultations_client") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert query("SELECT current_user") == [(app_role(),)]


@pytest.mark.django_db(transaction=True)
def test_migrate_puts_back_what_lets_a_trigger_alone_keep_the_stock_balances(reference_data):
    [(function,)] = query(
        "SELECT proname FROM pg_proc WHERE proname LIKE 'pgtrigger_stock_never_negative_%'"
    )
    # As `pgtrigger install` leaves them: an invoker's function, and a grant too many.
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(f"ALTER FUNCTION {function}() SECURITY INVOKER RESET ALL")
        cursor.execute(f'GRANT ALL ON supplies_stockbalance TO "{app_role()}"')

    call_command("migrate", verbosity=0)

    assert privileges_on("supplies_stockbalance") == {"SELECT"}
    assert query("SELECT prosecdef, proconfig FROM pg_proc WHERE proname = %s", [function]) == [
        (True, ["search_path=public, pg_temp"])
    ]


@pytest.mark.django_db(transaction=True)
def test_the_owner_still_meets_the_append_only_triggers(reference_data):
    event = audit.record(audit.Action.FAILED_LOGIN, by=None, username="sakura")

    with as_owner(), pytest.raises(DatabaseError, match="pgtrigger"):
        query("UPDATE kokona_auditevent SET username = 'someone' WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).username == "sakura"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_tables_as_the_owner(reference_data):
    make_user("someone", Role.COUNSELOR)
    audit.record(audit.Action.FAILED_LOGIN, by=None, username="someone")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert not UserGroupEvent.objects.exists()


@pytest.fixture
def throwaway(monkeypatch) -> tuple[str, str]:
    """DATABASE_URL naming a database and a role that do not exist, both dropped afterwards.

    Named after this run's test database, so that runs on other databases do not collide."""
    default = settings.DATABASES["default"]
    database, role = f"{default['NAME']}_throwaway", f"{default['NAME']}_throwaway_app"
    monkeypatch.setitem(default, "NAME", database)
    monkeypatch.setitem(default, "USER", role)
    monkeypatch.setitem(default, "PASSWORD", "a throwaway password")
    yield database, role
    with owner_maintenance_connection() as conn:
        conn.execute(SQL("DROP DATABASE IF EXISTS {}").format(Identifier(database)))
        conn.execute(SQL("DROP ROLE IF EXISTS {}").format(Identifier(role)))


def test_createdb_creates_the_database_and_the_app_role(throwaway):
    database, role = throwaway

    call_command("createdb", stdout=io.StringIO())

    with owner_maintenance_connection() as conn:
        attributes = conn.execute(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolpassword IS NOT NULL "
            "FROM pg_authid WHERE rolname = %s",
            [role],
        ).fetchone()
        database_owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
    assert attributes == (True, False, False, False, True)
    assert database_owner == (owner_role(),)


def test_createdb_leaves_what_exists(throwaway):
    _, role = throwaway
    call_command("createdb", stdout=io.StringIO())

    with owner_maintenance_connection() as conn:
        conn.execute(SQL("ALTER ROLE {} CONNECTION LIMIT 3").format(Identifier(role)))
        call_command("createdb", stdout=io.StringIO())
        limit = conn.execute(
            "SELECT rolconnlimit FROM pg_roles WHERE rolname = %s", [role]
        ).fetchone()
    assert limit == (3,)


# Rules that privileges cannot express (only some rows of a live table) hold against the app too


def test_ignoring_the_trigger_does_not_let_it_delete_a_record_of_sharing(case, supervisor):
    shared = Referral.objects.create(
        case=case, agency=agency(), shares_information=True, consent_recorded=True
    )
    ignore = "{" + ",".join(ignore_ids("consultations.Referral")) + "}"

    for statement in [
        "DELETE FROM consultations_referral WHERE id = %s",
        "UPDATE consultations_referral SET shares_information = false WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="provision"), transaction.atomic():
            query("SET LOCAL pgtrigger.ignore = %s", [ignore])
            query(statement, [shared.pk])

    shared.refresh_from_db()
    assert shared.shares_information
