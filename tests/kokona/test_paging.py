"""`page_of`: a list counted with its page gives what Django's paginator gives, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kokona.http import page_of
from kokona.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices():
    Notice.objects.bulk_create(Notice(message=f"notice {i}") for i in range(12))
    return Notice.objects.order_by("message")


def read(page):
    return [n.message for n in page], page.number, page.paginator.count, page.paginator.num_pages


@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "4", "99", "0", "abc", "-1", "2.5"])
def test_a_counted_page_is_the_page_django_gives(notices, number):
    assert read(page_of(notices, number, size=5, counted=True)) == read(
        page_of(notices, number, size=5)
    )


def test_the_count_comes_with_the_page(notices):
    with CaptureQueriesContext(connection) as counted:
        page = read(page_of(notices, "2", size=5, counted=True))
    with CaptureQueriesContext(connection) as apart:
        read(page_of(notices, "2", size=5))
    assert page[2] == 12
    assert (len(counted), len(apart)) == (1, 2)
    assert 'OVER () AS "in_all"' in counted[0]["sql"]


def test_past_the_end_the_list_is_counted_apart(notices):
    with CaptureQueriesContext(connection) as captured:
        page = read(page_of(notices, "9", size=5, counted=True))
    # The page asked for is empty: the count, then the last page.
    assert page == (["notice 8", "notice 9"], 3, 12, 3)
    assert len(captured) == 3


def test_an_empty_list_is_one_empty_page():
    page = page_of(Notice.objects.order_by("pk"), "1", counted=True)
    assert (list(page), page.number, page.paginator.count) == ([], 1, 0)
