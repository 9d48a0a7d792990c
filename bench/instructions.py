"""The instructions a page takes, counted by valgrind: `python -m bench.instructions [PAGE ...]`.

The milliseconds of `make bench` wander with a shared VM (the same code read 10-30 % slower from
one hour to the next, the login page with it); a count of instructions does not. This serves each
page of `bench.pages` (all of them, or those named) in-process through Django's test client, with
the production settings and the database `make bench` seeded, `--requests` times under callgrind,
after a few requests that are not counted, and prints the instructions a request and their
multiple of the login page's. To compare two versions, run it in each: the counts repeat to
within a fraction of a percent. It counts the Python side only (not PostgreSQL's, not the
network), so it says which version does less work, not how fast a page is: `make bench` says
that. Slow: a page takes a minute or two, most of it Django starting under valgrind.

    python -m bench.instructions ["counselor home" ...] [--requests 10]

Needs valgrind (`apt-get install valgrind`) and a seeded bench database (run `make bench` once).
"""

import argparse
import bisect
import shutil
import subprocess  # nosec B404 - runs this module under valgrind
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import bench.__main__ as served  # sets the benchmark's environment, as `make bench` does

# Collected only inside this C function of the standard library, which calls back the requests
# to count (`_count`): the Python start-up and the warm-up requests stay out of the count.
TOGGLE = "_bisect_insort_left"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*", help="names of bench.pages (all when none)")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the child run under valgrind
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.requests)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    from bench.pages import PAGES

    names = args.pages or [page.name for page in PAGES]
    if "login" not in names:
        names.insert(0, "login")
    counts = {name: _instructions(name, args.requests) for name in names}
    login = counts["login"]
    print("| page | instructions a request | ÷ login |\n|---|---:|---:|")
    for name, count in counts.items():
        print(f"| {name} | {count / 1e6:.2f} M | {count / login:.2f}× |")


def _instructions(name: str, requests: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--toggle-collect={TOGGLE}",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            f"--serve={name}",
            f"--requests={requests}",
        ]
        run = subprocess.run(command, capture_output=True, text=True, cwd=served.ROOT)  # noqa: S603  # nosec B603
        if run.returncode != 0:
            sys.exit(f"{name}: {run.stderr[-2000:]}")
        totals = next(
            line
            for line in out.read_text().splitlines()
            if line.startswith(("summary:", "totals:"))
        )
        return int(totals.split()[1]) / requests


def _serve(name: str, requests: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench.pages import PAGES
    from bench.sessions import find, sign_in

    page = next(page for page in PAGES if page.name == name)
    found = find()
    client = Client(HTTP_HOST="127.0.0.1")
    if page.role:
        client.cookies[settings.SESSION_COOKIE_NAME] = sign_in()[page.role]
    path = page.path(found)
    if path is None:
        sys.exit(f"{name}: no such page in this version")

    def request() -> None:
        if page.method == "POST":
            body = urlencode(page.data(found))
            kind = "application/x-www-form-urlencoded"
            response = client.post(path, body, content_type=kind, secure=True, headers=page.headers)
        else:
            response = client.get(path, secure=True, headers=page.headers)
        if response.status_code != page.status:
            sys.exit(f"{name}: {response.status_code} from {path}")

    for _ in range(3):
        request()

    def _count(_item: int) -> int:
        for _ in range(requests):
            request()
        return 0

    bisect.insort_left([], 0, key=_count)


if __name__ == "__main__":
    main()
