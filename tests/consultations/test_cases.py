"""The case page: her timeline, status changes, assignment, edits and the stale-save check."""

import datetime as dt

import pghistory.models
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import (
    Case,
    CaseStatusChange,
    ClosingReason,
    Referral,
    SupportActivity,
)
from kokona.fiscal import JST
from kokona.models import AuditEvent
from tests.consultations.factories import agency, make_case, make_client, make_contact, vocabulary


@pytest.fixture
def case(counselor):
    return make_case(make_client("みさき"), assigned_to=counselor, opened_on=dt.date(2026, 10, 1))


def outcome(code: str) -> int:
    return ClosingReason.objects.get(code=code).pk


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def status_url(case: Case) -> str:
    return reverse("consultations:case_status", args=[case.pk])


class TestCasePage:
    def test_it_shows_her_whole_story_newest_first(self, client_as, case, counselor):
        make_contact(case, at=dt.datetime(2026, 10, 1, 21, 0, tzinfo=JST), summary="最初の相談")
        make_contact(case, at=dt.datetime(2026, 11, 3, 22, 0, tzinfo=JST), summary="二度目の相談")
        SupportActivity.objects.create(
            case=case, kind="accompany", done_on=dt.date(2026, 10, 15), notes="市役所へ同行"
        )
        Referral.objects.create(case=case, agency=agency(), referred_on=dt.date(2026, 10, 20))

        html = client_as("counselor").get(case.get_absolute_url()).content.decode()
        story = html[html.index("これまでの経過") :]

        order = [
            story.index(text)
            for text in ["二度目の相談", "ハローワーク釧路", "市役所へ同行", "最初の相談"]
        ]
        assert order == sorted(order)

    def test_opening_it_is_audited(self, client_as, case, counselor):
        client_as("counselor").get(case.get_absolute_url())

        event = AuditEvent.objects.get(action="view", object_type="consultations.case")
        assert event.actor == counselor
        assert event.object_id == str(case.pk)

    @pytest.mark.parametrize("page", ["consultations:case_edit", "consultations:client_edit"])
    def test_opening_an_edit_page_is_audited(self, client_as, case, page):
        pk = case.pk if page == "consultations:case_edit" else case.client_id

        client_as("counselor").get(reverse(page, args=[pk]))

        assert AuditEvent.objects.filter(action="view", object_id=str(pk)).exists()

    def test_opening_her_record_is_audited(self, client_as, case, counselor):
        client_as("counselor").get(case.client.get_absolute_url())

        assert AuditEvent.objects.filter(
            action="view", object_type="consultations.client", object_id=str(case.client_id)
        ).exists()

    def test_it_says_her_age_band_and_whether_she_is_under_18(self, client_as, case):
        """Read with the case (`access.get_case_for_user`), as a subquery of it: no query more."""
        browser = client_as("counselor")

        def page() -> tuple[str, int]:
            with CaptureQueriesContext(connection) as queries:
                html = browser.get(case.get_absolute_url()).content.decode()
            return html, len(queries)

        page()  # the session settles
        html, without = page()
        assert "年代" not in html
        case.client.age_band = vocabulary("AgeBand", "teens")
        case.client.under_18 = True
        case.client.save()

        html, with_band = page()
        assert "<dd>10代以下（18歳未満）</dd>" in html
        assert with_band == without

    def test_stored_scripts_come_back_escaped(self, client_as, case):
        payload = "<script>alert(1)</script>"
        case.client.nickname = payload
        case.client.save()
        make_contact(case, summary=payload, next_step=payload)

        for url in [
            case.get_absolute_url(),
            case.client.get_absolute_url(),
            "/consultations/cases/",
        ]:
            html = client_as("counselor").get(url).content.decode()
            assert payload not in html
            assert "&lt;script&gt;" in html
        fragment = client_as("counselor").post(
            reverse("consultations:client_search"), {"q": "script"}, headers={"HX-Request": "true"}
        )
        assert payload not in fragment.content.decode()
        assert "&lt;script&gt;" in fragment.content.decode()
        log = client_as("supervisor").get(reverse("consultations:case_access_log", args=[case.pk]))
        assert payload not in log.content.decode()


class TestStatus:
    def test_a_change_records_who_when_and_why(self, client_as, case, counselor):
        response = client_as("counselor").post(
            status_url(case), {"to": "supporting", "reason": "継続して話を聞く", "version": 1}
        )

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == Case.Status.SUPPORTING
        assert case.version == 2
        change = CaseStatusChange.objects.unscoped().get()
        assert (change.from_status, change.to_status) == ("received", "supporting")
        assert change.changed_by == counselor and change.reason == "継続して話を聞く"

    def test_closing_and_reopening(self, client_as, case):
        client = client_as("counselor")
        client.post(
            status_url(case),
            {
                "to": "closed",
                "outcome": outcome("resolved"),
                "reason": "就職が決まった",
                "version": 1,
            },
        )
        case.refresh_from_db()
        assert (
            case.status == "closed" and case.closed_on and case.closing_reason == "就職が決まった"
        )

        client.post(
            status_url(case),
            {
                "to": "supporting",
                "reason": "再び連絡があった",
                "follow_up_due": in_days(3).isoformat(),
                "version": 2,
            },
        )

        case.refresh_from_db()
        assert case.status == "supporting" and case.closed_on is None
        assert CaseStatusChange.objects.unscoped().count() == 2

    def test_a_change_needs_a_reason(self, client_as, case):
        response = client_as("counselor").post(
            status_url(case), {"to": "closed", "reason": "", "version": 1}
        )

        assert response.status_code == 400
        case.refresh_from_db()
        assert case.status == "received"
        assert not CaseStatusChange.objects.unscoped().exists()

    def test_an_impossible_step_is_refused(self, client_as, case):
        Case.objects.unscoped().filter(pk=case.pk).update(
            status="closed", closed_on=dt.date(2026, 11, 1)
        )

        response = client_as("counselor").post(
            status_url(case), {"to": "referred", "reason": "x", "version": 1}
        )

        assert response.status_code == 400
        case.refresh_from_db()
        assert case.status == "closed"

    def test_status_changes_cannot_be_edited(self, case, counselor):
        change = CaseStatusChange.objects.create(
            case=case, to_status="received", changed_by=counselor
        )

        with pytest.raises(DatabaseError), transaction.atomic():
            CaseStatusChange.objects.unscoped().filter(pk=change.pk).update(to_status="closed")
        with pytest.raises(DatabaseError), transaction.atomic():
            change.delete()

        change.refresh_from_db()
        assert change.to_status == "received"


class TestVersionConflict:
    def test_the_later_save_is_refused_and_the_earlier_kept(self, client_as, case):
        first, second = client_as("counselor"), client_as("other_counselor")
        first.get(reverse("consultations:case_edit", args=[case.pk]))
        second.get(reverse("consultations:case_edit", args=[case.pk]))
        both_saw = case.version
        risk = {"primary_concern": vocabulary("ConcernCategory", "dv").pk, "version": both_saw}

        saved = first.post(
            reverse("consultations:case_edit", args=[case.pk]), {**risk, "risk": "high"}
        )
        refused = second.post(
            reverse("consultations:case_edit", args=[case.pk]),
            {**risk, "risk": "low", "follow_up_due": "2026-12-24"},
        )

        assert saved.status_code == 302
        assert refused.status_code == 409
        case.refresh_from_db()
        assert case.risk == "high"
        assert case.follow_up_due is None
        html = refused.content.decode()
        assert "ほかの人が先に保存しました" in html
        assert 'value="2026-12-24"' in html  # nothing typed is lost

    def test_a_stale_status_change_is_refused(self, client_as, case):
        client_as("counselor").post(
            status_url(case), {"to": "supporting", "reason": "a", "version": 1}
        )

        response = client_as("other_counselor").post(
            status_url(case),
            {"to": "closed", "outcome": outcome("other"), "reason": "古い画面から", "version": 1},
        )

        assert response.status_code == 409
        case.refresh_from_db()
        assert case.status == "supporting"
        assert "古い画面から" in response.content.decode()


class TestAssignment:
    def test_a_supervisor_reassigns(self, client_as, case, other_counselor):
        response = client_as("supervisor").post(
            reverse("consultations:case_assign", args=[case.pk]),
            {"assigned_to": other_counselor.pk, "version": 1},
        )

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.assigned_to == other_counselor

    def test_a_counselor_cannot_hand_someone_elses_case_over(
        self, client_as, case, other_counselor
    ):
        response = client_as("other_counselor").post(
            reverse("consultations:case_assign", args=[case.pk]),
            {"assigned_to": other_counselor.pk, "version": 1},
        )

        assert response.status_code == 403
        case.refresh_from_db()
        assert case.assigned_to != other_counselor

    def test_a_counselor_takes_an_unassigned_case(self, client_as, other_counselor):
        case = make_case(make_client("なな"))

        client_as("other_counselor").post(
            reverse("consultations:case_assign", args=[case.pk]),
            {"assigned_to": other_counselor.pk, "version": 1},
        )

        case.refresh_from_db()
        assert case.assigned_to == other_counselor

    def test_city_staff_cannot_be_put_in_charge(self, client_as, case, city_staff):
        response = client_as("supervisor").post(
            reverse("consultations:case_assign", args=[case.pk]),
            {"assigned_to": city_staff.pk, "version": 1},
        )

        assert response.status_code == 400
        case.refresh_from_db()
        assert case.assigned_to != city_staff


class TestActionsInPlace:
    def test_adding_a_contact_on_the_case_page(self, client_as, case, counselor):
        response = client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[case.pk]),
            {
                "channel": vocabulary("Channel", "phone").pk,
                "occurred_at": "2026-11-28T10:30",
                "direction": "out",
                "duration_minutes": "25",
                "urgency": "normal",
                "summary": "こちらから電話して様子を聞いた",
                "follow_up_due": "2026-12-05",
            },
        )

        assert response.status_code == 302
        contact = case.contacts.unscoped().get()
        assert contact.direction == "out" and contact.duration_minutes == 25
        case.refresh_from_db()
        assert case.follow_up_due == dt.date(2026, 12, 5)

    def test_recording_support_with_the_role_she_took(self, client_as, case):
        client_as("counselor").post(
            reverse("consultations:case_add_activity", args=[case.pk]),
            {
                "kind": "role",
                "done_on": "2026-11-20",
                "role_taken": "ピアサポーター",
                "notes": "居場所で新しい参加者を迎えた",
            },
        )

        activity = SupportActivity.objects.unscoped().get()
        assert activity.kind == "role" and activity.role_taken == "ピアサポーター"
        assert AuditEvent.objects.filter(
            action="create", object_type="consultations.supportactivity"
        ).exists()

    def test_bad_input_keeps_the_panel_open_with_the_text(self, client_as, case):
        response = client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[case.pk]),
            {"summary": "途中まで書いた記録", "occurred_at": "not a date"},
        )

        assert response.status_code == 400
        assert "途中まで書いた記録" in response.content.decode()
        assert not case.contacts.unscoped().exists()


class TestHistory:
    def test_changes_leave_history_with_the_request_id(self, client_as, case):
        response = client_as("counselor").post(
            status_url(case), {"to": "supporting", "reason": "継続", "version": 1}
        )

        event = pghistory.models.Events.objects.references(case).filter(pgh_label="update").first()
        assert event is not None
        assert event.pgh_context["request_id"] == response["X-Request-ID"]

    def test_bulk_updates_are_captured(self, case, supervisor):
        with pghistory.context(user=supervisor.pk):
            Case.objects.unscoped().filter(pk=case.pk).update(risk="crisis")

        case_event = apps.get_model("consultations", "CaseEvent")

        assert case_event.objects.filter(pgh_obj=case, risk="crisis").exists()


class TestAClosedCaseTakesNothing:
    """One rule for a closed case: nothing is added to it until it is reopened (services, forms
    and the page agree)."""

    @pytest.fixture
    def closed(self, counselor):
        return make_case(
            make_client("ゆき"),
            assigned_to=counselor,
            opened_on=dt.date(2026, 4, 1),
            status=Case.Status.CLOSED,
            closed_on=dt.date(2026, 10, 1),
        )

    WRITES = [
        (
            "consultations:case_add_contact",
            {"urgency": "normal", "occurred_at": "2026-11-28T10:30", "summary": "また連絡があった"},
        ),
        ("consultations:case_add_activity", {"kind": "visit", "done_on": "2026-11-20"}),
        ("consultations:case_add_referral", {"stage": "informed", "referred_on": "2026-11-20"}),
    ]

    @pytest.mark.parametrize("url_name, data", WRITES, ids=[w[0] for w in WRITES])
    def test_nothing_is_added_and_the_page_says_how_to_reopen(
        self, client_as, closed, url_name, data
    ):
        data = {
            **data,
            "channel": vocabulary("Channel", "phone").pk,
            "agency": agency().pk,
        }

        response = client_as("counselor").post(reverse(url_name, args=[closed.pk]), data)

        assert response.status_code == 400
        assert "再開" in response.content.decode()
        closed.refresh_from_db()
        assert closed.version == 1
        assert not closed.contacts.unscoped().exists()
        assert not closed.activities.unscoped().exists()
        assert not closed.referrals.unscoped().exists()

    def test_the_page_offers_only_reopening(self, client_as, closed):
        page = client_as("counselor").get(closed.get_absolute_url()).content.decode()

        for url_name, _data in self.WRITES:
            assert reverse(url_name, args=[closed.pk]) not in page
        assert reverse("consultations:case_status", args=[closed.pk]) in page
        assert "再開" in page

    def test_once_reopened_it_takes_a_referral(self, client_as, closed):
        client = client_as("counselor")
        client.post(
            status_url(closed),
            {
                "to": "supporting",
                "reason": "再び連絡",
                "follow_up_due": in_days(7).isoformat(),
                "version": 1,
            },
        )

        response = client.post(
            reverse("consultations:case_add_referral", args=[closed.pk]),
            {"agency": agency().pk, "stage": "informed", "referred_on": "2026-11-20"},
        )

        assert response.status_code == 302
        assert closed.referrals.unscoped().count() == 1


class TestOutcomesAndHandovers:
    def test_closing_needs_an_outcome_which_the_story_shows(self, client_as, case):
        client = client_as("counselor")
        refused = client.post(status_url(case), {"to": "closed", "reason": "終わり", "version": 1})
        assert refused.status_code == 400
        case.refresh_from_db()
        assert case.status == "received"

        client.post(
            status_url(case),
            {"to": "closed", "outcome": outcome("moved"), "reason": "釧路を離れた", "version": 1},
        )

        case.refresh_from_db()
        assert case.closing_category.code == "moved"
        page = client.get(case.get_absolute_url()).content.decode()
        assert "転居" in page and "釧路を離れた" in page

    def test_reopening_asks_a_new_follow_up_date_not_in_the_past(self, client_as, counselor):
        closed = make_case(
            make_client("ゆき"),
            assigned_to=counselor,
            opened_on=dt.date(2026, 4, 1),
            status=Case.Status.CLOSED,
            closed_on=dt.date(2026, 10, 1),
            follow_up_due=dt.date(2026, 9, 1),
        )
        client = client_as("counselor")
        base = {"to": "supporting", "reason": "また連絡", "version": 1}

        assert client.post(status_url(closed), base).status_code == 400
        past = client.post(status_url(closed), base | {"follow_up_due": "2026-09-01"})
        assert past.status_code == 400
        client.post(status_url(closed), base | {"follow_up_due": in_days(2).isoformat()})

        closed.refresh_from_db()
        assert closed.status == "supporting"
        assert closed.follow_up_due == in_days(2)
        assert not closed.is_overdue

    def test_a_handover_shows_in_the_story_and_on_her_new_counselors_home(
        self, client_as, case, counselor, other_counselor
    ):
        client_as("supervisor").post(
            reverse("consultations:case_assign", args=[case.pk]),
            {"assigned_to": other_counselor.pk, "reason": "担当者の休暇のため", "version": 1},
        )

        page = client_as("supervisor").get(case.get_absolute_url()).content.decode()
        assert "担当変更" in page
        assert f"{counselor} → {other_counselor}" in page
        assert "担当者の休暇のため" in page
        home = client_as("other_counselor").get(reverse("consultations:home")).content.decode()
        assert "引き継がれたケース" in home and case.get_absolute_url() in home


def test_the_access_log_names_what_changed_never_the_values(client_as, case, supervisor):
    client_as("counselor").post(
        reverse("consultations:case_edit", args=[case.pk]),
        {"risk": "high", "follow_up_due": in_days(5).isoformat(), "version": 1},
    )

    page = (
        client_as("supervisor")
        .get(reverse("consultations:case_access_log", args=[case.pk]))
        .content.decode()
    )

    assert "リスク" in page
    assert "表は横にスクロールできます。" in page
    assert 'role="region"' in page


def test_the_case_page_reads_the_counselor_in_charge_by_name_only(client_as, counselor):
    """Her case names the counselor in charge: her name is read, not her password hash."""
    case = make_case(make_client("みさき"), assigned_to=counselor)
    client = client_as("counselor")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.get_absolute_url())

    assert counselor.display_name in response.content.decode()
    case_read = next(
        q["sql"] for q in captured if 'FROM "consultations_case" INNER JOIN' in q["sql"]
    )
    assert '"kokona_user"."display_name"' in case_read
    assert '"kokona_user"."password"' not in case_read
