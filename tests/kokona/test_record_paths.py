"""A record's page linked from a list row: its path put together around one reversed once per
process (kokona.http.record_path), as `reverse` would write it."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from kokona.http import record_path


@pytest.fixture
def script_prefix():
    """Serve as if under another path (SCRIPT_NAME), then as before."""
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize("name", ["consultations:case_detail", "consultations:client_detail"])
def test_a_record_path_is_the_reversed_one_under_each_script_prefix(name, script_prefix):
    for prefix in ("/", "/kokona/", "/"):
        script_prefix(prefix)
        for pk in (1, 42, 1_000_000_007):
            path = record_path(name, pk)
            assert path == reverse(name, args=[pk])
            assert path.startswith(prefix) and f"/{pk}/" in path
