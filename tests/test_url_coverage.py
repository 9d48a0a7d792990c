"""Every URL of kokona is in a role × URL matrix (security.md: every URL, for every role).

A page added without its row in a tests/**/test_access.py matrix fails here: the matrix names
each URL by its name, so the name must appear there."""

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "otpadmin"):
                continue  # the admin: tests/kokona/test_accounts.py and the app admin tests
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_an_access_matrix():
    matrices = "".join(path.read_text() for path in TESTS.rglob("test_access.py"))

    missing = sorted(
        name
        for name in url_names()
        if f'"{name}"' not in matrices and f'"{name.split(":")[-1]}"' not in matrices
    )

    assert missing == []
