"""Fill a throwaway database with years of synthetic records for the benchmark (kokona.scale,
bench/README.md). Writes in bulk, in one transaction: a failed seed leaves nothing behind."""

import random
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kokona import scale
from kokona.models import User


class Command(BaseCommand):
    help = "Seed N years of synthetic records in bulk, for `make bench` (never on real data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=13, help="random seed (same data each run)")

    def handle(self, *args: object, years: int, seed: int, **options: object) -> None:
        if not 1 <= years <= 30:
            raise CommandError("--years must be between 1 and 30.")
        if User.objects.filter(username="scale_c1").exists():
            self.stdout.write("Already seeded: nothing to do.")
            return
        if User.objects.exists():
            raise CommandError(
                "seed_scale writes into an empty database only: this one already has users."
            )
        started = time.perf_counter()
        with transaction.atomic():
            # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked per row as written, not all
            # at commit, which keeps a long bulk transaction from slowing down (bench/README.md).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            people = scale.people()
            load = scale.Scale(
                years=years,
                today=timezone.localdate(),
                rng=random.Random(seed),  # noqa: S311  # nosec B311
                **people,  # type: ignore[arg-type]
            )
            for seeder in scale.seeders():
                step = time.perf_counter()
                line = seeder(load)
                self.stdout.write(f"{line} ({time.perf_counter() - step:.0f} s)")
        with connection.cursor() as cursor:
            # What autovacuum does to a long-lived database: statistics and the visibility map
            # (index-only scans). VACUUM cannot run in a transaction (a test's): ANALYZE then.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(f"Seeded {years} years in {time.perf_counter() - started:.0f} s.")
