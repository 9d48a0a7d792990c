"""Every model change has its migration: a change without one fails here, not on a server."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_left_without_a_migration():
    out = io.StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # makemigrations --check exits with 1 when a migration is missing
        pytest.fail(f"pending migrations:\n{out.getvalue()}")
