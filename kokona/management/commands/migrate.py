"""`migrate` as the database owner, then grant the app's role exactly what it needs.

kokona's commands take precedence over Django's own, so this is the `migrate` every path runs:
`make run`, compose, the test database's creation. See kokona/db_roles.py.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.core.management.commands import migrate

from kokona.db_roles import as_owner, grant_app_role


class Command(migrate.Command):
    help = (
        "Update the database schema as the owner (MIGRATE_DATABASE_URL), then grant the app's "
        "role (DATABASE_URL) what it needs: no update, delete or truncate of audit and history."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        with as_owner(database):
            super().handle(*args, **options)
            if options["plan"]:
                return
            try:
                grants = grant_app_role(database)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from None
        if options["verbosity"] < 1:
            return
        if grants.single_role:
            self.stdout.write(
                self.style.WARNING(
                    "DATABASE_URL and MIGRATE_DATABASE_URL name the same role: no privileges "
                    "granted. That role can change and delete audit and history rows; give the "
                    "app a role of its own (README, Database roles)."
                )
            )
            return
        self.stdout.write(
            f"Granted {grants.role} what the app needs; on {len(grants.append_only_tables)} "
            "audit and history tables, only reading and appending; on what a trigger keeps "
            f"({', '.join(grants.trigger_written_tables)}), only reading."
        )
        for warning in grants.warnings:
            self.stdout.write(self.style.WARNING(warning))
