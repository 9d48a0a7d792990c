"""Taking attendance: places, childcare places, an expert's slot, the head count, and the part a
woman takes recorded on her case."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from consultations.models import SupportActivity
from ibasho import attendance as taking
from ibasho.models import Attendance
from kokona.models import AuditEvent
from tests.consultations.factories import make_case, make_client
from tests.ibasho.factories import attend, make_session


@pytest.fixture
def women(counselor):
    found = []
    for name in ["ゆい", "はな", "みお", "りん"]:
        woman = make_client(name)
        make_case(woman, assigned_to=counselor)
        found.append(woman)
    return found


class TestPlaces:
    def test_a_full_session_refuses_the_next_woman_in_words(self, counselor, women):
        session = make_session(capacity=3, anonymous_count=1)
        for woman in women[:2]:
            taking.add_attendance(by=counselor, session=session, client=woman)

        with pytest.raises(ValidationError, match="定員に達しています（定員 3 人のうち 3 人"):
            taking.add_attendance(by=counselor, session=session, client=women[2])
        assert Attendance.objects.unscoped().count() == 2

    def test_helpers_take_no_participants_place(self, counselor, women):
        session = make_session(capacity=1)
        taking.add_attendance(by=counselor, session=session, client=women[0])

        taking.add_attendance(by=counselor, session=session, client=women[1], role="volunteer")

        assert Attendance.objects.unscoped().count() == 2

    def test_a_cancelled_booking_frees_its_place(self, counselor, women):
        session = make_session(capacity=1)
        booked = taking.add_attendance(
            by=counselor, session=session, client=women[0], status="booked"
        )
        taking.change_attendance(by=counselor, attendance=booked, status="cancelled")

        taking.add_attendance(by=counselor, session=session, client=women[1])

        assert Attendance.objects.unscoped().holding_places().count() == 1

    def test_the_head_count_counts_against_the_places(self, counselor, women):
        session = make_session(capacity=3)
        taking.add_attendance(by=counselor, session=session, client=women[0])

        with pytest.raises(ValidationError, match="定員"):
            taking.set_head_count(
                by=counselor, session=session, anonymous_count=3, anonymous_children=0
            )
        taking.set_head_count(
            by=counselor, session=session, anonymous_count=2, anonymous_children=0
        )
        session.refresh_from_db()
        assert session.anonymous_count == 2

    def test_a_woman_is_listed_once(self, counselor, women):
        session = make_session()
        taking.add_attendance(by=counselor, session=session, client=women[0])

        with pytest.raises(ValidationError, match="すでにこの回の名簿"):
            taking.add_attendance(by=counselor, session=session, client=women[0])

    def test_nobody_joins_a_cancelled_session(self, counselor, women):
        session = make_session(cancelled=True)

        with pytest.raises(ValidationError, match="中止"):
            taking.add_attendance(by=counselor, session=session, client=women[0])


class TestChildcare:
    def test_childcare_places_are_enforced(self, counselor, women):
        session = make_session("salon_childcare", childcare_places=3, anonymous_children=1)
        taking.add_attendance(by=counselor, session=session, client=women[0], children=1)

        with pytest.raises(ValidationError, match="託児の枠がいっぱいです"):
            taking.add_attendance(by=counselor, session=session, client=women[1], children=2)
        taking.add_attendance(by=counselor, session=session, client=women[1], children=1)

    def test_a_session_without_childcare_says_so(self, counselor, women):
        session = make_session("salon")

        with pytest.raises(ValidationError, match="託児がありません"):
            taking.add_attendance(by=counselor, session=session, client=women[0], children=1)

    def test_more_children_later_are_checked_too(self, counselor, women):
        session = make_session("salon_childcare", childcare_places=2)
        row = taking.add_attendance(by=counselor, session=session, client=women[0], children=1)
        taking.add_attendance(by=counselor, session=session, client=women[1], children=1)

        with pytest.raises(ValidationError, match="託児"):
            taking.change_attendance(by=counselor, attendance=row, children=2)


class TestAnExpertsSlot:
    def test_a_slot_holds_one_woman(self, counselor, other_counselor, women):
        slot = make_session("counseling", capacity=1, guest="臨床心理士")
        taking.add_attendance(by=counselor, session=slot, client=women[0], status="booked")

        with pytest.raises(ValidationError, match="この枠はすでに予約"):
            taking.add_attendance(
                by=other_counselor, session=slot, client=women[1], status="booked"
            )
        assert Attendance.objects.unscoped().get().role == "consultee"

    def test_the_database_refuses_a_double_booking_by_itself(self, women):
        slot = make_session("counseling")
        attend(slot, women[0], role="consultee", status="booked")

        with pytest.raises(IntegrityError), transaction.atomic():
            attend(slot, women[1], role="consultee", status="booked")
        # A cancelled booking frees the slot, in the database too.
        Attendance.objects.unscoped().update(status="cancelled")
        attend(slot, women[1], role="consultee", status="booked")

    def test_booking_through_the_page(self, client_as, women):
        slot = make_session("counseling", capacity=1)
        client = client_as("counselor")

        first = client.post(
            reverse("ibasho:attendance_add", args=[slot.pk]),
            {"client": women[0].pk, "status": "booked"},
        )
        second = client.post(
            reverse("ibasho:attendance_add", args=[slot.pk]),
            {"client": women[1].pk, "status": "booked"},
        )

        assert first.status_code == 302
        assert second.status_code == 400
        assert "この枠はすでに予約が入っています" in second.content.decode()
        assert Attendance.objects.unscoped().count() == 1


class TestHerPart:
    def test_helping_run_a_session_is_her_role_on_her_case(self, counselor, women):
        session = make_session()

        row = taking.add_attendance(
            by=counselor, session=session, client=women[0], role="volunteer", helped_with="受付"
        )

        activity = SupportActivity.objects.unscoped().get()
        assert row.activity == activity
        assert activity.kind == SupportActivity.Kind.ROLE
        assert activity.role_taken == "ボランティア・ピアサポーター（受付）"
        assert activity.case.client == women[0] and activity.done_on == session.date
        assert AuditEvent.objects.filter(object_type="consultations.supportactivity").exists()

    def test_on_her_latest_case_when_it_is_closed(self, counselor):
        woman = make_client("えみ")
        case = make_case(
            woman,
            assigned_to=counselor,
            status="closed",
            opened_on=dt.date(2026, 4, 1),
            closed_on=dt.date(2026, 10, 1),
            closing_reason="終結",
        )

        taking.add_attendance(by=counselor, session=make_session(), client=woman, role="lecturer")

        assert SupportActivity.objects.unscoped().get().case == case

    def test_not_coming_after_all_takes_it_back(self, counselor, women):
        row = taking.add_attendance(
            by=counselor, session=make_session(), client=women[0], role="volunteer"
        )

        taking.change_attendance(by=counselor, attendance=row, status="absent")

        assert not SupportActivity.objects.unscoped().exists()
        assert Attendance.objects.unscoped().get().activity is None

    def test_a_participant_has_no_role_recorded(self, counselor, women):
        taking.add_attendance(by=counselor, session=make_session(), client=women[0])

        assert not SupportActivity.objects.unscoped().exists()


class TestThePage:
    def test_a_counselor_adds_a_woman_and_it_is_audited(self, client_as, counselor, women):
        session = make_session("salon_childcare", childcare_places=2)

        response = client_as("counselor").post(
            reverse("ibasho:attendance_add", args=[session.pk]),
            {"client": women[0].pk, "status": "attended", "role": "participant", "children": 1},
        )

        assert response.status_code == 302
        row = Attendance.objects.unscoped().get()
        assert (row.client, row.children, row.created_by) == (women[0], 1, counselor)
        assert AuditEvent.objects.filter(
            action="create", object_type="ibasho.attendance", object_id=str(row.pk)
        ).exists()

    def test_the_plus_button_adds_one_to_the_head_count(self, client_as):
        session = make_session()
        client = client_as("counselor")

        client.post(
            reverse("ibasho:head_count", args=[session.pk]),
            {"step": "anonymous_count:1", "anonymous_count": "0", "anonymous_children": "0"},
        )
        fragment = client.post(
            reverse("ibasho:head_count", args=[session.pk]),
            {"step": "anonymous_count:1"},
            headers={"HX-Request": "true"},
        )

        session.refresh_from_db()
        assert session.anonymous_count == 2
        assert fragment.status_code == 200 and "<output" in fragment.content.decode()

    def test_came_and_did_not_come_buttons(self, client_as, women):
        session = make_session()
        row = attend(session, women[0], status="booked")
        client = client_as("counselor")

        client.post(reverse("ibasho:attendance_change", args=[row.pk]), {"status": "attended"})

        assert Attendance.objects.unscoped().get().status == "attended"

    def test_the_search_button_works_without_javascript(self, client_as, women):
        session = make_session()

        response = client_as("counselor").post(
            reverse("ibasho:attendance_add", args=[session.pk]), {"q": "ゆ", "search": "1"}
        )

        assert response.status_code == 200
        assert f'value="{women[0].pk}"' in response.content.decode()


def test_a_refused_plus_says_why_where_the_buttons_are(client_as):
    session = make_session(capacity=1, anonymous_count=1)

    fragment = client_as("counselor").post(
        reverse("ibasho:head_count", args=[session.pk]),
        {"step": "anonymous_count:1"},
        headers={"HX-Request": "true"},
    )

    # htmx swaps in a successful answer only: the refusal comes as one, with its words.
    assert fragment.status_code == 200
    assert "定員に達しています" in fragment.content.decode()
    session.refresh_from_db()
    assert session.anonymous_count == 1


@pytest.mark.parametrize(
    ("status", "tone", "marks"),
    [
        ("booked", "key", ["attended", "absent", "cancelled"]),
        ("attended", "success", ["absent"]),
        ("absent", "muted", ["attended"]),
        ("cancelled", "muted", ["attended"]),
    ],
)
def test_each_row_of_the_session_offers_what_she_can_be_marked_as_next(
    client_as, women, status, tone, marks
):
    session = make_session()
    row = attend(session, women[0], status=status)

    page = client_as("counselor").get(reverse("ibasho:session_detail", args=[session.pk]))

    html = page.content.decode()
    start = html.index(f'action="{reverse("ibasho:attendance_change", args=[row.pk])}"')
    form = html[start : html.index("</form>", start)]
    offered = re.findall(r'name="status" value="(\w+)"', form)
    assert offered == marks
    tag = html[html.rindex("<li", 0, start) : start]
    assert f"tag--{tone}" in tag
