"""The drop-in space's share of `manage.py seed_scale` (kokona.scale): per year 600 sessions with
their attendance (registered women, anonymous head counts, one woman an expert's slot) and 1,000
satisfaction survey answers tallied after them (reports.SurveyResponse, written in bulk as the
tally screen's service would)."""

import datetime as dt

from django.utils import timezone

from ibasho.models import Attendance, Program, Session
from kokona.scale import BATCH, SESSIONS_PER_YEAR, SURVEY_ANSWERS_PER_YEAR, Scale
from reports.models import SurveyResponse


def seed(scale: Scale) -> str:
    rng = scale.rng
    programs = list(Program.objects.all())
    women: list[int] = scale.made.get("women", [])  # type: ignore[assignment]
    sessions = []
    for year in range(scale.years):
        for _ in range(SESSIONS_PER_YEAR):
            program = rng.choice(programs)
            day = scale.day_in_year(year)
            starts = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.choice([10, 13, 18])))
            )
            appointment = program.by_appointment
            sessions.append(
                Session(
                    program=program,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1 if appointment else 2),
                    venue=program.venue,
                    capacity=1 if appointment else 20,
                    childcare_places=4 if program.offers_childcare else 0,
                    anonymous_count=0 if appointment else rng.randrange(0, 5),
                    cancelled=rng.random() < 0.03,
                    notes="準備物の確認（架空）",
                    created_by=scale.supervisor,
                    created_at=starts - dt.timedelta(days=14),
                    updated_at=starts,
                )
            )
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    Session.facilitators.through.objects.bulk_create(
        (
            Session.facilitators.through(session_id=s.pk, user_id=rng.choice(scale.counselors).pk)
            for s in sessions
        ),
        batch_size=BATCH,
    )
    attendance = []
    held = [s for s in sessions if not s.cancelled]
    for session in held if women else []:
        if session.program.by_appointment:
            picks, role = [rng.choice(women)], Attendance.Role.CONSULTEE
        else:
            picks, role = rng.sample(women, rng.randrange(2, 9)), Attendance.Role.PARTICIPANT
        for n, client_id in enumerate(picks):
            helps = role == Attendance.Role.PARTICIPANT and n == 0 and rng.random() < 0.2
            attendance.append(
                Attendance(
                    session=session,
                    client_id=client_id,
                    role=Attendance.Role.VOLUNTEER if helps else role,
                    status=rng.choice(["attended"] * 6 + ["absent"]),
                    children=rng.choice([0, 0, 0, 1, 2]) if session.childcare_places else 0,
                    helped_with="受付を手伝った（架空）" if helps else "",
                    created_by=scale.supervisor,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    answers = [
        SurveyResponse(
            answered_on=timezone.localtime(session.starts_at).date(),
            satisfaction=rng.choice([5, 5, 5, 4, 4, 4, 3, 2, 1]),
            program_id=session.program_id,
            session_id=session.pk,
            created_by=scale.supervisor,
        )
        for session in rng.choices(held, k=SURVEY_ANSWERS_PER_YEAR * scale.years)
    ]
    SurveyResponse.objects.bulk_create(answers, batch_size=BATCH)
    return (
        f"ibasho: {len(sessions):,} sessions, {len(attendance):,} attendances, "
        f"{len(answers):,} survey answers"
    )
