"""The case page's LINE panel: shown for a woman who writes on LINE, and for her only. Whether she
does is asked first with a yes or no past the door (consultations.line_intake.case_panel); her
account is then read through the door."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import LineAccount
from kokona.crypto import keyed_hash
from tests.consultations.factories import make_case, make_client

pytestmark = pytest.mark.django_db
REPLY = reverse("consultations:line_reply", args=[0]).replace("/0/", "/{}/")


def writes_on_line(client) -> None:
    user_id = f"U{client.pk:032d}"
    LineAccount.objects.create(
        client=client, user_id=user_id, user_hash=keyed_hash(user_id, kind="line")
    )


def case_page(browser, case) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured]


def reads_her_account_through_the_door(sql: list[str]) -> bool:
    return any('FROM "consultations_lineaccount"' in q and "kokona_door" in q for q in sql)


def test_a_woman_on_line_gets_the_reply_panel(client_as, counselor):
    case = make_case(make_client("ゆい"), assigned_to=counselor)
    writes_on_line(case.client)

    page, sql = case_page(client_as("counselor"), case)

    assert REPLY.format(case.pk) in page and "LINEで返信" in page
    assert reads_her_account_through_the_door(sql)


def test_a_woman_not_on_line_gets_none_and_her_account_is_not_read(client_as, counselor):
    case = make_case(make_client("りこ"), assigned_to=counselor)
    # Another woman's account does not count for her.
    writes_on_line(make_client("ほか"))

    page, sql = case_page(client_as("counselor"), case)

    assert REPLY.format(case.pk) not in page and "LINEで返信" not in page
    assert not reads_her_account_through_the_door(sql)
    assert any('FROM "consultations_lineaccount"' in q for q in sql)  # the question alone
