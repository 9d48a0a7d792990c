"""The reads compiled once per process (kokona.compiled): a signed-in request's session and user,
and the yes-or-no questions asked before a list is read."""

import datetime as dt

import pghistory
import pytest
from django.contrib.sessions.backends import db as djangos
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kokona.backends import RolesBackend
from kokona.compiled import AN_ID, Compiled, ask
from kokona.models import User
from kokona.roles import Role
from kokona.sessions import SessionStore
from tests.conftest import add_authenticator


def test_a_query_holding_a_value_other_than_its_markers_is_refused(db):
    with pytest.raises(ValueError, match="other than the markers"):
        Compiled(User.objects.filter(pk=-5, username="haruka"), -5)


def test_each_value_goes_where_its_marker_stood(counselor, other_counselor):
    rows = User.objects.filter(username="\x00a", display_name="\x00b").values_list("pk")
    read = Compiled(rows, "\x00b", "\x00a")  # markers named in another order than the filter's

    found = read.first_row(other_counselor.display_name, other_counselor.username)

    assert found == (other_counselor.pk,)
    assert read.first_row(counselor.display_name, other_counselor.username) is None


def test_a_question_says_whether_there_is_a_row_in_one_plain_statement(counselor, other_counselor):
    # A union, whose SQL opens with a parenthesis: pghistory prefixes such a statement with its
    # context unless it is asked as a SELECT.
    named = User.objects.filter(username="\x00a").values("pk")
    rows = named.union(User.objects.filter(display_name="\x00a").values("pk"))[:1]
    question = Compiled(rows, "\x00a")

    with pghistory.context(user=counselor.pk), CaptureQueriesContext(connection) as ran:
        assert question.any(counselor.username) is True
        assert question.any(other_counselor.display_name) is True
        assert question.any("nobody-is-called-this") is False

    assert [q["sql"][:15] for q in ran.captured_queries] == ["SELECT EXISTS(("] * 3


def test_questions_asked_together_are_each_answered_with_their_own_values_in_one_statement(
    counselor, other_counselor
):
    by_name = Compiled(User.objects.filter(username="\x00a").values("pk")[:1], "\x00a")
    by_id = Compiled(User.objects.filter(pk=AN_ID, is_active=True).values("pk")[:1], AN_ID, True)
    other_counselor.is_active = False
    other_counselor.save()

    with CaptureQueriesContext(connection) as ran:
        first = ask((by_name, [counselor.username]), (by_id, [other_counselor.pk, True]))
        second = ask((by_name, ["nobody-is-called-this"]), (by_id, [counselor.pk, True]))

    assert (first, second) == ((True, False), (False, True))
    assert len(ran.captured_queries) == 2


def test_a_session_reads_as_in_djangos_own_store(db):
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key

    assert SessionStore(key).load() == djangos.SessionStore(key).load() == {"answer": 42}

    unknown = SessionStore("nosuchsession0000000")
    assert unknown.load() == {} and unknown.session_key is None

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None


def test_the_signed_in_user_is_read_with_her_roles_and_devices(counselor, supervisor):
    device = add_authenticator(counselor)

    user = RolesBackend().get_user(counselor.pk)

    assert user == counselor and user.roles == {Role.COUNSELOR}
    assert user.confirmed_devices == [device.persistent_id]
    assert RolesBackend().get_user(supervisor.pk).roles == {Role.SUPERVISOR}
    assert RolesBackend().get_user(supervisor.pk + counselor.pk + 1000) is None
    User.objects.filter(pk=counselor.pk).update(is_active=False)
    assert RolesBackend().get_user(counselor.pk) is None
