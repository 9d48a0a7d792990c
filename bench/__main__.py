"""Speed of the counselors' pages and the KPIs as data grows: `make bench`.

Builds its own database (kokona_bench) with synthetic women, cases and contacts at three sizes,
then times each page through Django's test client, signed in as a counselor, and prints the
median and 95th percentile of repeated requests with the number of queries. Nothing here runs
in `make test`: figures come from here, never from timed tests.

    python -m bench [--sizes 100,1000,5000] [--repeat 30]
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokona.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0000000000000000000000000000000000")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "QPaCesxTeYImx4MNKdXqHLMEjJify2UfiZfLutclfIE=")
os.environ.setdefault("FIELD_HASH_KEY", "bench-only-hash-key")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kokona_bench"
)
# A throwaway database: one role creates, migrates and reads it (grants do not change timings).
os.environ["MIGRATE_DATABASE_URL"] = os.environ["DATABASE_URL"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000", help="number of women per run")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    _recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from bench.data import analyze, grow, signed_in_client
    from consultations.indicators import consultations_total, unique_consultees
    from consultations.models import Case, Contact

    print(
        f"{'women':>6} {'contacts':>8}  {'page':<14} {'median ms':>9} {'p95 ms':>7} {'queries':>7}"
    )
    women = 0
    for size in (int(s) for s in args.sizes.split(",")):
        counselor = grow(size - women)
        analyze()
        women = size
        client, queries = signed_in_client(counselor)
        case = Case.objects.filter(assigned_to=counselor).order_by("-pk").first()
        pages = {
            "home": "/consultations/",
            "case list": "/consultations/cases/",
            "case page": f"/consultations/cases/{case.pk}/",
        }
        total = Contact.objects.count()
        for name, url in pages.items():
            timings, count = _time(lambda c=client, u=url: c.get(u), args.repeat, queries)
            _row(size, total, name, timings, count)
        for name, compute in {
            "KPI 相談実人数": unique_consultees,
            "KPI 延べ件数": consultations_total,
        }.items():
            timings, count = _time(lambda compute=compute: compute(2025), args.repeat, queries)
            _row(size, total, name, timings, count)


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


def _time(call, repeat: int, queries) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    call()  # warm
    timings = []
    count = 0
    for _ in range(repeat):
        with queries() as captured:
            start = time.perf_counter()
            result = call()
            timings.append((time.perf_counter() - start) * 1000)
        if hasattr(result, "status_code") and result.status_code != 200:
            sys.exit(f"{result.status_code} from a benchmarked page")
        count = len(captured)
    return timings, count


def _row(women: int, contacts: int, name: str, timings: list[float], count: int) -> None:
    p95 = statistics.quantiles(timings, n=20)[18]
    median = statistics.median(timings)
    print(f"{women:>6} {contacts:>8}  {name:<14} {median:>9.1f} {p95:>7.1f} {count:>7}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(
        f"# {time.perf_counter() - started:.0f} s on {os.uname().nodename}, {os.cpu_count()} cores"
    )
