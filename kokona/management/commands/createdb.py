"""Create the database and the app's login role when they are missing, or explain how to get
PostgreSQL.

Connects as the owner (MIGRATE_DATABASE_URL) to the server's maintenance database: the database
it creates is the owner's, and the role named in DATABASE_URL may log in and nothing more.
`migrate` then grants that role what the app needs (kokona/db_roles.py).
"""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from kokona.db_roles import app_role, create_app_role_if_missing, owner_maintenance_connection


class Command(BaseCommand):
    help = (
        "Create the configured PostgreSQL database and the app's login role if they do not exist."
    )

    def handle(self, *args: object, **options: object) -> None:
        name = settings.DATABASES["default"]["NAME"]
        try:
            with owner_maintenance_connection() as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    self.stdout.write(f"Created database {name}.")
                if create_app_role_if_missing(conn):
                    self.stdout.write(f"Created the app's login role {app_role()}.")
        except psycopg.OperationalError as error:
            owner = settings.MIGRATE_DATABASE
            where = f"{owner.get('HOST') or 'local socket'}:{owner.get('PORT') or 5432}"
            raise CommandError(
                f"No PostgreSQL answered at {where} ({str(error).strip().splitlines()[0]}).\n"
                "kokona needs PostgreSQL 15 or newer. Either install and start it "
                "(Debian/Ubuntu: 'sudo apt-get install postgresql'), or point DATABASE_URL (the "
                "app's role) and MIGRATE_DATABASE_URL (the owner) at one, e.g. "
                "DATABASE_URL=postgres://kokona_app:password@host:5432/kokona "
                "MIGRATE_DATABASE_URL=postgres://owner:password@host:5432/kokona make run"
            ) from error
        except psycopg.errors.InsufficientPrivilege as error:
            raise CommandError(
                f"The owner (MIGRATE_DATABASE_URL) may not create the database or the app's "
                f"role ({str(error).strip().splitlines()[0]}). Give it CREATEDB and CREATEROLE, "
                "or have an administrator create them."
            ) from error
