"""Create the database DATABASE_URL names when it is missing, or explain how to get PostgreSQL."""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql
from psycopg.conninfo import make_conninfo


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it does not exist yet."

    def handle(self, *args: object, **options: object) -> None:
        db = settings.DATABASES["default"]
        # The maintenance database, with the same server and credentials as DATABASE_URL.
        conninfo = make_conninfo(
            dbname="postgres",
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            connect_timeout=5,
        )
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                    self.stdout.write(f"Created database {db['NAME']}.")
        except psycopg.OperationalError as error:
            where = f"{db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432}"
            raise CommandError(
                f"No PostgreSQL answered at {where} ({str(error).strip().splitlines()[0]}).\n"
                "kokona needs PostgreSQL 15 or newer. Either install and start it "
                "(Debian/Ubuntu: 'sudo apt-get install postgresql'), or point DATABASE_URL at one, "
                "e.g. DATABASE_URL=postgres://user:password@host:5432/kokona make run"
            ) from error
