"""Two database roles: the owner, who migrates, and the app's login role, which can erase nothing.

Whoever takes over the app, or its credentials, acts with the app's database role. When that was
the superuser owning the tables, the audit trail and history held only as long as their triggers,
and triggers give way to their owner: `SET LOCAL pgtrigger.ignore` (any role may set it),
`ALTER TABLE … DISABLE TRIGGER`, `TRUNCATE`, `session_replication_role = replica` (issue 6).
So the protection is privileges, with the triggers behind them:

- The owner (MIGRATE_DATABASE_URL) owns the database and every table. `migrate`, `flush`,
  `createdb` and key rotation connect as the owner, through `as_owner()`.
- The app's role (DATABASE_URL) logs in, is no superuser, may create no role or database and owns
  nothing, so it can alter no table and no trigger. `grant_app_role()` gives it exactly what it
  needs: read and write the live tables; read and append to audit and history tables
  (`append_only_models()`), never update, delete or truncate them; read the running totals only
  a trigger keeps (`trigger_written_tables()`), never write them.
- DATABASE_URL alone makes one role do both (a single-role install): it works, without this
  protection, and `migrate` says so.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pghistory.models
import pgtrigger
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.utils import CursorWrapper
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo

# What tells one role from another; the database name is always DATABASE_URL's (in tests, the
# test database's).
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
# The columns pghistory's context upsert sets; its id and creation time never change.
CONTEXT_UPDATABLE_COLUMNS = ("metadata", "updated_at")


def app_role() -> str:
    return str(settings.DATABASES[DEFAULT_DB_ALIAS].get("USER") or "")


def owner_role() -> str:
    return str(settings.MIGRATE_DATABASE.get("USER") or "")


def is_single_role() -> bool:
    """True when DATABASE_URL and MIGRATE_DATABASE_URL name the same role."""
    return app_role() == owner_role()


def _credentials(settings_dict: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(settings_dict.get(key) or "") for key in CREDENTIALS)


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block on a connection of the owner's, then go back to the app's role.

    The connection `using` is closed and reopened with the owner's user, password, host and port
    (its database stays), and closed again at the end. Only this thread's connection changes:
    it gets its own copy of the settings, so other threads keep connecting as the app.
    Nothing changes when the connection already is the owner's, or in a single-role install.
    """
    connection = connections[using]
    if using != DEFAULT_DB_ALIAS:
        yield
        return
    owner = {key: settings.MIGRATE_DATABASE.get(key) or "" for key in CREDENTIALS}
    if _credentials(connection.settings_dict) == _credentials(owner):
        yield
        return
    if connection.in_atomic_block:
        # Reconnecting would silently end the transaction and lose its work.
        raise RuntimeError("as_owner() reconnects, so it cannot run inside a transaction.")
    app_settings = connection.settings_dict
    connection.close()
    connection.settings_dict = {**app_settings, **owner}
    try:
        yield
    finally:
        # Creating or destroying a test database changes the name; keep that, drop the rest.
        app_settings["NAME"] = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict = app_settings


def owner_maintenance_connection() -> psycopg.Connection:
    """An autocommit connection of the owner's to the server's `postgres` database, from which
    databases and roles are created."""
    owner = settings.MIGRATE_DATABASE
    conninfo = make_conninfo(
        dbname="postgres",
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        user=owner.get("USER") or None,
        password=owner.get("PASSWORD") or None,
        connect_timeout=5,
    )
    return psycopg.connect(conninfo, autocommit=True)


def create_app_role_if_missing(conn: psycopg.Connection) -> bool:
    """Create DATABASE_URL's role, able to log in and nothing more, with the URL's password if it
    has one. Returns whether it was created; a role that exists is left as it is."""
    name = app_role()
    if not name or is_single_role():
        return False
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
        return False
    statement = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
        sql.Identifier(name)
    )
    password = settings.DATABASES[DEFAULT_DB_ALIAS].get("PASSWORD")
    if password:
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    conn.execute(statement)
    return True


# Audit and history tables


def _refuses_updates(trigger: pgtrigger.Trigger) -> bool:
    return (
        isinstance(trigger, pgtrigger.Protect)
        and trigger.operation is not None
        and pgtrigger.Update in trigger.operation
    )


def protecting_triggers(model: type[models.Model]) -> list[str]:
    """The URIs (for `pgtrigger.ignore`) of the Protect triggers that refuse updates of `model`'s
    table, a proxy's included."""
    table = model._meta.db_table
    return sorted(
        trigger.get_uri(registered)
        for registered, trigger in pgtrigger.registered()
        if registered._meta.db_table == table and _refuses_updates(trigger)
    )


def is_append_only(model: type[models.Model]) -> bool:
    """True for audit and history tables: pghistory's events, and every table a Protect trigger
    refuses to update whatever the row (the audit trail, status changes, the admin's log).

    A Protect with a condition (a referral that shared information must stay shared) guards a
    live table, whose other columns the app still updates.
    """
    model = model._meta.concrete_model or model
    if issubclass(model, pghistory.models.Event):
        return True
    table = model._meta.db_table
    return any(
        registered._meta.db_table == table
        and _refuses_updates(trigger)
        and trigger.condition is None
        for registered, trigger in pgtrigger.registered()
    )


def trigger_written_tables() -> dict[str, list[str]]:
    """Tables only a trigger writes (a running total), each with its triggers' functions.

    A model says so with `written_by = [(writer model's label, trigger name), ...]`: the app's
    role may read it, never write it; the trigger's function runs as its owner (SECURITY DEFINER)
    to keep it. Found in the model registry, so that `kokona/` imports no app.
    """
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        writers = getattr(model, "written_by", None)
        if not writers:
            continue
        functions = found.setdefault(model._meta.db_table, [])
        for label, name in writers:
            writer = apps.get_model(label)
            [trigger] = [t for m, t in pgtrigger.registered() if m is writer and t.name == name]
            functions.append(trigger.get_pgid(writer))  # type: ignore[arg-type]  # takes the class
    return found


def append_only_models() -> list[type[models.Model]]:
    """Every audit and history model, found in the model registry (concrete models only)."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and is_append_only(model)
        ),
        key=lambda model: model._meta.db_table,
    )


# Grants


@dataclass
class Grants:
    """What `grant_app_role` did, for `migrate` to report."""

    role: str
    single_role: bool = False
    append_only_tables: list[str] = field(default_factory=list)
    trigger_written_tables: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def grant_app_role(using: str = DEFAULT_DB_ALIAS) -> Grants:
    """Give the app's role exactly what it needs, and nothing it had before beyond that.

    Run as the owner, after migrating; idempotent, and in one transaction, so a running app never
    sees a table without its privileges. Live tables: SELECT, INSERT, UPDATE, DELETE; sequences:
    USAGE, SELECT. Audit and history tables: SELECT and INSERT only. pghistory_context: also
    UPDATE of its metadata, which pghistory's trigger upserts as a request goes on (a plain
    trigger lets the metadata grow, never change). django_migrations: SELECT only.
    """
    role = app_role()
    if not role or is_single_role():
        return Grants(role=role, single_role=True)
    connection = connections[using]
    context_table = pghistory.models.Context._meta.db_table
    append_only = [model._meta.db_table for model in append_only_models()]
    with transaction.atomic(using), connection.cursor() as cursor:
        pg = connection.connection

        def run(template: str, **names: str | list[str]) -> None:
            parts = {
                key: sql.SQL(", ").join(map(sql.Identifier, value))
                if isinstance(value, list)
                else sql.Identifier(value)
                for key, value in names.items()
            }
            cursor.execute(
                sql.SQL(template).format(role=sql.Identifier(role), **parts).as_string(pg)
            )

        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise ImproperlyConfigured(
                f"The app's database role {role} (DATABASE_URL) does not exist. "
                "`manage.py createdb` creates it."
            )
        warnings = _warnings(cursor, role=role, superuser=found[0], schema=schema)
        # Migrated back, the code may know tables the database does not have (yet).
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        existing = {name for (name,) in cursor.fetchall()}
        append_only = [table for table in append_only if table in existing]

        run("GRANT CONNECT ON DATABASE {database} TO {role}", database=database)
        run("GRANT USAGE ON SCHEMA {schema} TO {role}", schema=schema)
        run("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}", schema=schema)
        run("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}", schema=schema)
        run(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            schema=schema,
        )
        run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}", schema=schema)
        # Explicit, although REVOKE ALL came first: this is the promise the app's role lives by.
        if append_only:
            run("REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role}", tables=append_only)
        if context_table in existing:
            run("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}", table=context_table)
            run(
                "GRANT UPDATE ({columns}) ON {table} TO {role}",
                columns=list(CONTEXT_UPDATABLE_COLUMNS),
                table=context_table,
            )
        run(
            "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {role}",
            table=MigrationRecorder.Migration._meta.db_table,
        )
        trigger_written = {
            table: functions
            for table, functions in trigger_written_tables().items()
            if table in existing
        }
        for table, functions in trigger_written.items():
            run("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {role}", table=table)
            for function in functions:
                # Again after every migration: pgtrigger's CREATE OR REPLACE makes it an
                # invoker's function again, which could not write the balances for the app.
                run(
                    "ALTER FUNCTION {schema}.{function}() SECURITY DEFINER"
                    " SET search_path = {schema}, pg_temp",
                    schema=schema,
                    function=function,
                )
    return Grants(
        role=role,
        append_only_tables=append_only,
        trigger_written_tables=sorted(trigger_written),
        warnings=warnings,
    )


def _warnings(cursor: CursorWrapper, *, role: str, superuser: bool, schema: str) -> list[str]:
    """What makes the grants meaningless: privileges the app's role holds beyond them."""
    warnings = []
    if superuser:
        warnings.append(f"{role} is a superuser: privileges do not limit it.")
    cursor.execute(
        "SELECT count(*) FROM pg_tables WHERE tableowner = %s AND schemaname = %s", [role, schema]
    )
    (owned,) = cursor.fetchone()
    if owned:
        warnings.append(f"{role} owns {owned} tables: an owner can alter them and their triggers.")
    if owner_role():
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner_role()])
        if cursor.fetchone()[0]:
            warnings.append(f"{role} is a member of the owner's role {owner_role()}.")
    return warnings
