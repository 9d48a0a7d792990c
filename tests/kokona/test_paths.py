"""A page named by numbers, linked from a list row or a calendar day: its path put together around
one reversed once per process (kokona.http.path_of), as `reverse` would write it."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from kokona.http import path_of


@pytest.fixture
def script_prefix():
    """Serve as if under another path (SCRIPT_NAME), then as before."""
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("consultations:case_detail", [(1,), (42,), (1_000_000_007,)]),
        ("consultations:client_detail", [(1,), (42,), (1_000_000_007,)]),
        ("ibasho:session_detail", [(7,), (123_456,)]),
        ("supplies:site_detail", [(3,), (74,)]),
        ("supplies:placement_detail", [(5,), (9_999,)]),
        ("supplies:restock", [(3,), (74,)]),
        ("ibasho:month", [(2026, 4), (2027, 12)]),
        ("ibasho:week", [(2026, 12, 1), (2027, 1, 31), (2028, 2, 29)]),
    ],
)
def test_a_path_is_the_reversed_one_under_each_script_prefix(name, ids, script_prefix):
    for prefix in ("/", "/kokona/", "/"):
        script_prefix(prefix)
        for args in ids:
            path = path_of(name, *args)
            assert path == reverse(name, args=args)
            assert path.startswith(prefix)
            assert "/".join(map(str, args)) in path
