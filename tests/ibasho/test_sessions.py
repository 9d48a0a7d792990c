"""Planning: one-off sessions and series, edits and cancellation one at a time or from a date on."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ibasho import schedule, services
from ibasho.models import Frequency, Series, Session
from kokona.fiscal import JST
from kokona.locking import VersionConflict
from kokona.models import AuditEvent
from tests.consultations.factories import make_client
from tests.ibasho.factories import attend, make_session, program


def plan(code: str = "salon_childcare", **fields) -> services.Plan:
    fields.setdefault("capacity", 10)
    return services.Plan(program=program(code), start=dt.time(10), end=dt.time(12), **fields)


def second_tuesdays(supervisor, **fields) -> Series:
    return services.create_series(
        by=supervisor,
        plan=plan(**fields),
        frequency=Frequency.MONTHLY,
        weekday=1,
        nth=2,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
    )


class TestSeries:
    def test_every_second_tuesday_from_april_to_march(self, supervisor):
        series = second_tuesdays(supervisor)

        sessions = list(series.sessions.order_by("starts_at"))
        # 12 months, less 11 August: 山の日, a public holiday.
        assert len(sessions) == 11
        assert dt.date(2026, 8, 11) not in [s.date for s in sessions]
        assert [s.date for s in sessions][:3] == [
            dt.date(2026, 4, 14),
            dt.date(2026, 5, 12),
            dt.date(2026, 6, 9),
        ]
        assert all(s.date.weekday() == 1 and (s.date.day - 1) // 7 == 1 for s in sessions)
        first = sessions[0]
        assert first.starts_at == dt.datetime(2026, 4, 14, 10, tzinfo=JST)
        assert first.ends_at == dt.datetime(2026, 4, 14, 12, tzinfo=JST)
        assert first.capacity == 10
        assert AuditEvent.objects.filter(object_type="ibasho.session").count() == 11

    def test_weekly_and_fortnightly(self):
        weekly = schedule.series_dates(
            frequency=Frequency.WEEKLY,
            weekday=3,
            nth=None,
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 31),
            skip_holidays=False,
        )
        fortnightly = schedule.series_dates(
            frequency=Frequency.FORTNIGHTLY,
            weekday=3,
            nth=None,
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 31),
            skip_holidays=False,
        )

        assert [d.day for d in weekly] == [3, 10, 17, 24, 31]
        assert [d.day for d in fortnightly] == [3, 17, 31]

    def test_public_holidays_are_left_out_when_asked(self):
        # Mondays of 2027 January: the 11th is 成人の日.
        days = {
            "frequency": Frequency.WEEKLY,
            "weekday": 0,
            "nth": None,
            "starts_on": dt.date(2027, 1, 1),
            "ends_on": dt.date(2027, 1, 31),
        }

        assert dt.date(2027, 1, 11) in schedule.series_dates(**days, skip_holidays=False)
        assert dt.date(2027, 1, 11) not in schedule.series_dates(**days, skip_holidays=True)
        assert schedule.holiday_name(dt.date(2027, 1, 11)) == "成人の日"

    def test_a_month_without_a_fifth_tuesday_is_skipped(self):
        days = schedule.series_dates(
            frequency=Frequency.MONTHLY,
            weekday=1,
            nth=5,
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2026, 7, 31),
            skip_holidays=False,
        )

        assert days == [dt.date(2026, 6, 30)]

    def test_a_series_with_no_date_is_refused(self, supervisor):
        with pytest.raises(ValidationError):
            services.create_series(
                by=supervisor,
                plan=plan(),
                frequency=Frequency.MONTHLY,
                weekday=1,
                nth=5,
                starts_on=dt.date(2026, 4, 1),
                ends_on=dt.date(2026, 5, 31),
            )
        assert not Series.objects.exists()

    def test_the_form_takes_weekday_and_week_from_the_first_date(self, client_as, counselor):
        response = client_as("counselor").post(
            reverse("ibasho:session_new"),
            {
                "program": program("salon_childcare").pk,
                "day": "2026-04-14",
                "start": "10:00",
                "end": "12:00",
                "repeat": "monthly",
                "until": "2027-03-31",
                "skip_holidays": "on",
                "capacity": "10",
                "childcare_places": "5",
                "staff": [counselor.pk],
            },
        )

        assert response.status_code == 302
        series = Series.objects.get()
        assert (series.weekday, series.nth) == (1, 2)
        assert series.sessions.count() == 11
        assert set(series.sessions.values_list("childcare_places", flat=True)) == {5}
        assert list(series.sessions.first().facilitators.all()) == [counselor]

    def test_a_one_off_session_from_the_form(self, client_as):
        response = client_as("counselor").post(
            reverse("ibasho:session_new"),
            {
                "program": program("learning").pk,
                "day": "2026-12-19",
                "start": "13:00",
                "end": "15:00",
                "repeat": "once",
                "childcare_places": "0",
            },
        )

        session = Session.objects.get()
        assert response["Location"] == session.get_absolute_url()
        assert session.venue == "" and session.series is None

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"end": "09:00"}, "終了は開始より後"),
            ({"repeat": "weekly", "until": ""}, "最後の日付"),
            ({"childcare_places": "3"}, "託児はありません"),
        ],
    )
    def test_the_form_says_what_is_wrong(self, client_as, change, message):
        data = {
            "program": program("learning").pk,
            "day": "2026-12-19",
            "start": "13:00",
            "end": "15:00",
            "repeat": "once",
            "childcare_places": "0",
        }

        response = client_as("counselor").post(reverse("ibasho:session_new"), {**data, **change})

        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Session.objects.exists()


class TestEditing:
    def test_one_session_alone(self, supervisor):
        series = second_tuesdays(supervisor)
        june = series.sessions.get(starts_at__month=6)

        services.update_sessions(
            by=supervisor,
            session=june,
            scope=services.Scope.THIS,
            expected_version=june.version,
            fields={"venue": "生涯学習センター"},
            start=dt.time(13),
            end=dt.time(15),
            day=dt.date(2026, 6, 16),
        )

        june.refresh_from_db()
        assert june.venue == "生涯学習センター"
        assert june.starts_at == dt.datetime(2026, 6, 16, 13, tzinfo=JST)
        others = series.sessions.exclude(pk=june.pk)
        assert set(others.values_list("venue", flat=True)) == {""}

    def test_from_a_date_on(self, supervisor):
        series = second_tuesdays(supervisor)
        october = series.sessions.get(starts_at__month=10)

        changed = services.update_sessions(
            by=supervisor,
            session=october,
            scope=services.Scope.FOLLOWING,
            expected_version=october.version,
            fields={"capacity": 15},
            start=dt.time(10, 30),
            end=dt.time(12, 30),
        )

        assert changed == 6  # October to March
        later = series.sessions.filter(starts_at__gte=october.starts_at)
        assert set(later.values_list("capacity", flat=True)) == {15}
        assert all(s.starts_at.astimezone(JST).time() == dt.time(10, 30) for s in later)
        assert all(s.date.weekday() == 1 for s in later)  # each keeps its own date
        earlier = series.sessions.filter(starts_at__lt=october.starts_at)
        assert set(earlier.values_list("capacity", flat=True)) == {10}

    def test_a_stale_form_is_refused(self, supervisor):
        session = make_session()

        with pytest.raises(VersionConflict):
            services.update_sessions(
                by=supervisor,
                session=session,
                scope=services.Scope.THIS,
                expected_version=session.version + 1,
                fields={"venue": "x"},
            )

    def test_places_cannot_go_below_the_bookings(self, supervisor, counselor):
        session = make_session(capacity=5, anonymous_count=2)
        attend(session, make_client("ゆい"), status="booked")
        attend(session, make_client("はな"))

        with pytest.raises(ValidationError, match="4 人"):
            services.update_sessions(
                by=supervisor,
                session=session,
                scope=services.Scope.THIS,
                expected_version=session.version,
                fields={"capacity": 2},
            )

    def test_the_edit_page_edits_from_a_date_on(self, client_as, supervisor):
        series = second_tuesdays(supervisor)
        october = series.sessions.get(starts_at__month=10)

        response = client_as("counselor").post(
            reverse("ibasho:session_edit", args=[october.pk]),
            {
                "version": october.version,
                "scope": "following",
                "day": "2026-10-13",
                "start": "10:00",
                "end": "12:00",
                "venue": "ふらっと 2階",
                "capacity": "10",
                "childcare_places": "0",
            },
        )

        assert response.status_code == 302
        assert series.sessions.filter(venue="ふらっと 2階").count() == 6


class TestCancelling:
    def test_one_session(self, supervisor):
        series = second_tuesdays(supervisor)
        may = series.sessions.get(starts_at__month=5)

        services.cancel_sessions(
            by=supervisor, session=may, scope=services.Scope.THIS, reason="会場の都合"
        )

        assert list(series.sessions.filter(cancelled=True)) == [may]
        may.refresh_from_db()
        assert may.cancel_reason == "会場の都合"

    def test_from_a_date_on_tells_how_many_had_booked(self, supervisor):
        series = second_tuesdays(supervisor)
        january = series.sessions.get(starts_at__year=2027, starts_at__month=1)
        february = series.sessions.get(starts_at__month=2)
        attend(february, make_client("ゆい"), status="booked")

        count, bookings = services.cancel_sessions(
            by=supervisor, session=january, scope=services.Scope.FOLLOWING, reason="事業終了"
        )

        assert (count, bookings) == (3, 1)
        assert series.sessions.filter(cancelled=True).count() == 3
        assert not series.sessions.filter(cancelled=True, starts_at__lt=january.starts_at).exists()

    def test_a_session_that_took_place_cannot_be_cancelled(self, supervisor):
        session = make_session()
        attend(session, make_client("ゆい"))

        with pytest.raises(ValidationError, match="開催された"):
            services.cancel_sessions(
                by=supervisor, session=session, scope=services.Scope.THIS, reason=""
            )
        session.refresh_from_db()
        assert not session.cancelled

    def test_cancel_and_reinstate_through_the_pages(self, client_as):
        session = make_session()
        client = client_as("counselor")

        client.post(reverse("ibasho:session_cancel", args=[session.pk]), {"reason": "大雪"})
        session.refresh_from_db()
        assert session.cancelled and session.cancel_reason == "大雪"
        page = client.get(session.get_absolute_url()).content.decode()
        assert "中止" in page

        client.post(reverse("ibasho:session_reinstate", args=[session.pk]))
        session.refresh_from_db()
        assert not session.cancelled


def test_a_forward_edit_leaves_a_time_set_on_one_session_alone(client_as, supervisor):
    series = second_tuesdays(supervisor)
    october, november = (series.sessions.get(starts_at__month=m) for m in (10, 11))
    services.update_sessions(
        by=supervisor,
        session=november,
        scope=services.Scope.THIS,
        expected_version=november.version,
        fields={},
        start=dt.time(13),
        end=dt.time(15),
    )

    client_as("counselor").post(
        reverse("ibasho:session_edit", args=[october.pk]),
        {
            "version": october.version,
            "scope": "following",
            "day": "2026-10-13",
            "start": "10:00",
            "end": "12:00",
            "venue": "生涯学習センター",
            "capacity": "10",
            "childcare_places": "0",
        },
    )

    november.refresh_from_db()
    assert november.venue == "生涯学習センター"
    assert november.starts_at == dt.datetime(2026, 11, 10, 13, tzinfo=JST)


def test_an_experts_afternoon_is_split_into_slots(client_as):
    response = client_as("counselor").post(
        reverse("ibasho:session_new"),
        {
            "program": program("counseling").pk,
            "day": "2026-12-16",
            "start": "13:00",
            "end": "16:00",
            "repeat": "once",
            "slot_minutes": "60",
            "childcare_places": "0",
            "guest": "臨床心理士",
        },
    )

    assert response.status_code == 302
    slots = list(Session.objects.order_by("starts_at"))
    assert [s.starts_at.astimezone(JST).hour for s in slots] == [13, 14, 15]
    assert all(s.capacity == 1 and s.guest == "臨床心理士" for s in slots)


def test_slots_in_a_series(supervisor):
    series = services.create_series(
        by=supervisor,
        plan=services.Plan(
            program=program("counseling"),
            start=dt.time(13),
            end=dt.time(15),
            slot_minutes=50,
        ),
        frequency=Frequency.MONTHLY,
        weekday=2,
        nth=1,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
    )

    # 1 April and 3 June (6 May is 振替休日), two 50-minute slots in each 13:00–15:00.
    assert series.sessions.count() == 2 * 2
