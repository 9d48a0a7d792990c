"""How long a legal 5 MB consultations import takes: `python -m bench.imports` (`make bench`).

Builds its own database (kokona_bench_imports, or BENCH_IMPORTS_DATABASE_URL), writes a CSV of --rows rows that
stays under the 5 MB upload limit, then times each step the way it runs in production: the
preview's plan (the upload request does it), the confirmation (queues a task), and the
background worker applying it (`db_worker --batch`, in this process). Prints seconds per step,
rows per second, and the queries per row of the apply.

    python -m bench.imports [--rows 80000]
"""

import argparse
import io
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokona.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0000000000000000000000000000000000")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "QPaCesxTeYImx4MNKdXqHLMEjJify2UfiZfLutclfIE=")
os.environ.setdefault("FIELD_HASH_KEY", "bench-only-hash-key")
# Its own throwaway database (not the pages' seeded one): one role creates, migrates and reads it.
os.environ["DATABASE_URL"] = os.environ["MIGRATE_DATABASE_URL"] = os.environ.get(
    "BENCH_IMPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kokona_bench_imports"
)

CLIENTS_EVERY = 10  # one woman for every ten rows: about ten contacts each
ANONYMOUS_EVERY = 5
REFERRAL_EVERY = 40


def make_csv(rows: int) -> bytes:
    """Short cells (codes, not labels) so 80,000 rows fit in 5 MB, as a real file would have to."""
    channels = ["line", "phone", "email", "sns", "visit_office"]
    bands = ["20s", "30s", "teens", "40s", ""]
    concerns = ["isolation", "mental", "work", "poverty;housing", "family"]
    lines = ["occurred_at,channel,client,age_band,categories,counselor,summary,referred_to"]
    for n in range(rows):
        day = n % 1000
        year, month, date = 2021 + day // 336, 1 + (day // 28) % 12, 1 + day % 28
        when = f"{year}/{month}/{date} {8 + n % 14}:{n % 60:02d}"
        anonymous = n % ANONYMOUS_EVERY == 0
        client = "" if anonymous else f"K{(n // CLIENTS_EVERY):05d}"
        referral = "ハローワーク釧路" if not anonymous and n % REFERRAL_EVERY == 1 else ""
        lines.append(
            f"{when},{channels[n % 5]},{client},{bands[(n // CLIENTS_EVERY) % 5]},{concerns[n % 5]},"
            f"bench_a,相談{n % 97},{referral}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=80_000)
    args = parser.parse_args()

    _recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from consultations import imports
    from consultations.models import Contact
    from kokona.csvio import MAX_BYTES
    from kokona.models import ImportBatch, User
    from kokona.roles import Role
    from kokona.tasks import apply_import

    _counselor("bench_a")
    supervisor = _counselor("bench_supervisor")
    supervisor.groups.set([Group.objects.get(name=Role.SUPERVISOR.value)])
    supervisor = User.objects.get(pk=supervisor.pk)

    data = make_csv(args.rows)
    print(f"file: {args.rows} rows, {len(data) / 1024 / 1024:.2f} MB (limit {MAX_BYTES >> 20} MB)")
    if len(data) > MAX_BYTES:
        raise SystemExit("the file is over the upload limit: fewer rows")

    started = time.perf_counter()
    planned = imports.plan(data, by=supervisor)
    _step("preview (plan, in the upload request)", started, args.rows)

    batch = ImportBatch.objects.create(
        kind="consultations",
        filename="bench.csv",
        content=data.hex(),
        uploaded_by=supervisor,
        status=ImportBatch.Status.QUEUED,
    )
    started = time.perf_counter()
    apply_import.enqueue(batch.pk)
    _step("confirm (queue the task)", started, None)

    queries = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    _step("apply (db_worker)", started, args.rows)

    batch.refresh_from_db()
    if batch.status != ImportBatch.Status.APPLIED:
        raise SystemExit(f"the import did not apply: {batch.status} {batch.problems}")
    added = Contact.objects.unscoped().count()
    print(
        f"applied: {added} contacts ({len(planned.new_clients)} women,"
        f" {planned.anonymous} anonymous); {queries / added:.1f} queries a row"
    )


def _step(name: str, started: float, rows: int | None) -> None:
    seconds = time.perf_counter() - started
    rate = f" ({rows / seconds:,.0f} rows/s)" if rows else ""
    print(f"{name:<40} {seconds:8.1f} s{rate}")


def _recreate_database(url: str) -> None:
    """A clean database each run, reference data (roles, vocabularies) from the migrations."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _counselor(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kokona.models import User
    from kokona.roles import Role

    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password("bench passphrase only")
        user.save()
        user.groups.add(Group.objects.get(name=Role.COUNSELOR))
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(
        f"# {time.perf_counter() - started:.0f} s on {os.uname().nodename}, {os.cpu_count()} cores"
    )
