"""`flush` as the database owner: emptying every table (TRUNCATE) is not the app's to do.

Transactional and browser tests end with a flush, so it must work while the app runs as its own
role. See kokona/db_roles.py.
"""

from typing import Any

from django.core.management.commands import flush

from kokona.db_roles import as_owner


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with as_owner(options["database"]):
            super().handle(**options)
