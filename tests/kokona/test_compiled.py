"""The reads compiled once per process (kokona.compiled): a signed-in request's session and user,
the yes-or-no questions asked before a list is read, and reads through the access door."""

import datetime as dt
import threading

import pghistory
import pytest
from django.contrib.sessions.backends import db as djangos
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Case, CaseStatus, Contact
from kokona.backends import RolesBackend
from kokona.compiled import A_MOMENT, AN_ID, MAX_SHAPES, Compiled, Read, ask
from kokona.models import User
from kokona.roles import Role
from kokona.sessions import SessionStore
from tests.conftest import add_authenticator, load_reference_data, make_user
from tests.consultations.factories import make_case, make_client, make_contact


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


def _cases_of(user, woman):
    return Case.objects.visible_to(user).filter(client=woman).order_by("pk")


def test_a_read_through_the_door_shows_each_reader_what_the_door_shows_her(
    counselor, other_counselor, supervisor, city_staff
):
    woman = make_client("あおい")
    hidden = make_case(woman, assigned_to=counselor, restricted=True)
    open_case = make_case(woman, assigned_to=counselor)
    read = Read(Case, _cases_of, AN_ID)

    # Compiled for the first reader, then run for the others: one read, four ways through.
    seen = {
        user.username: read(user, woman.pk)
        for user in (counselor, other_counselor, supervisor, city_staff)
    }

    assert seen == {
        user.username: list(_cases_of(user, woman))
        for user in (counselor, other_counselor, supervisor, city_staff)
    }
    assert seen[counselor.username] == seen[supervisor.username] == [hidden, open_case]
    # She is hidden from a counselor in charge of none of her cases, though one is not restricted.
    assert seen[other_counselor.username] == []
    assert seen[city_staff.username] == []


def test_a_read_compiled_for_one_counselor_runs_with_the_next_ones_id(counselor, other_counselor):
    woman = make_client("あおい")
    mine = make_case(woman, assigned_to=other_counselor)
    make_case(woman, assigned_to=counselor, restricted=True)
    read = Read(Case, _cases_of, AN_ID)

    with CaptureQueriesContext(connection) as ran:
        hers = read(counselor, woman.pk)
        # Her colleague in charge of another of her cases sees that one, not the restricted one.
        theirs = read(other_counselor, woman.pk)

    assert hers == list(_cases_of(counselor, woman)) and len(hers) == 2
    assert theirs == [mine]
    # (Their roles, read as the door asks them: the fixtures' users are not read signed in.)
    reads = [q["sql"] for q in ran.captured_queries if "consultations_case" in q["sql"]]
    first, second = reads
    assert first.replace(str(counselor.pk), "?") == second.replace(str(other_counselor.pk), "?")


def test_a_read_keeps_what_changes_its_sql_apart(counselor):
    case = make_case(make_client("あおい"), assigned_to=counselor)
    for day in (1, 2, 3):
        make_contact(case, at=dt.datetime(2026, 4, day, 10, tzinfo=dt.UTC))
    read = Read(
        Contact,
        lambda user, case, since, limit: (
            Contact.objects.visible_to(user)
            .filter(case=case, occurred_at__gte=since)
            .order_by("occurred_at")[:limit]
        ),
        AN_ID,
        A_MOMENT,
    )

    assert len(read(counselor, case.pk, dt.datetime(2026, 4, 1, tzinfo=dt.UTC), limit=2)) == 2
    assert len(read(counselor, case.pk, dt.datetime(2026, 4, 1, tzinfo=dt.UTC), limit=3)) == 3
    assert len(read(counselor, case.pk, dt.datetime(2026, 4, 3, tzinfo=dt.UTC), limit=3)) == 1


def test_a_read_built_for_anyone_but_the_user_it_is_given_is_refused(counselor, other_counselor):
    woman = make_client("あおい")
    make_case(woman, assigned_to=counselor)
    hers = Read(Case, lambda user, pk: _cases_of(counselor, pk), AN_ID)
    past_the_door = Read(Case, lambda user, pk: Case.objects.unscoped().filter(client=pk), AN_ID)

    with pytest.raises(ValueError, match="not read through the door"):
        hers(other_counselor, woman.pk)
    with pytest.raises(ValueError, match="not read through the door"):
        past_the_door(other_counselor, woman.pk)


def test_a_read_holding_a_value_other_than_its_markers_is_refused(counselor):
    today = Read(
        Case,
        lambda user, pk: _cases_of(user, pk).filter(opened_on=timezone.localdate()),
        AN_ID,
    )

    with pytest.raises(ValueError, match="other than the markers"):
        today(counselor, 1)


def test_a_read_runs_the_constants_it_names_as_they_were_built(counselor):
    woman = make_client("あおい")
    open_case = make_case(woman, assigned_to=counselor)
    make_case(
        woman, assigned_to=counselor, status=CaseStatus.CLOSED, closed_on=timezone.localdate()
    )

    def still_open(user, pk):
        return _cases_of(user, pk).exclude(status=CaseStatus.CLOSED)

    read = Read(Case, still_open, AN_ID, constants=(CaseStatus.CLOSED,))

    assert read(counselor, woman.pk) == [open_case]
    with pytest.raises(ValueError, match="other than the markers"):
        Read(Case, still_open, AN_ID)(counselor, woman.pk)


@pytest.mark.django_db(transaction=True)  # run last, with the other committing tests (conftest)
def test_a_read_compiled_on_one_thread_runs_on_another():
    # A threaded server (runserver, the browser tests' live server) serves the next request on
    # another thread, with its own connection. (Committing, this test starts from the roles the
    # last committing test emptied.)
    load_reference_data()
    counselor = make_user("sakura", Role.COUNSELOR)
    woman = make_client("あおい")
    case = make_case(woman, assigned_to=counselor)
    read = Read(Case, _cases_of, AN_ID)
    assert read(counselor, woman.pk) == [case]
    found = []

    def elsewhere():
        try:
            found.append(read(counselor, woman.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()

    assert found == [[case]]


def test_a_read_of_many_shapes_keeps_answering_as_the_oldest_make_room(counselor):
    woman = make_client("あおい")
    cases = [make_case(woman, assigned_to=counselor) for _ in range(3)]
    read = Read(Case, lambda user, pk, offset: _cases_of(user, pk)[offset : offset + 1], AN_ID)

    # More pages than a read keeps compiled: the first are compiled again when asked again.
    pages = [read(counselor, woman.pk, offset=n) for n in range(MAX_SHAPES + 5)]
    again = [read(counselor, woman.pk, offset=n) for n in range(3)]

    assert pages[:3] == again == [[case] for case in cases]
    assert pages[3:] == [[]] * (MAX_SHAPES + 2)
