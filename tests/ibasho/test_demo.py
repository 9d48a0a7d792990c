"""`seed_demo` adds a year of 居場所 sessions with attendance, once."""

import io

from django.core.management import call_command

from consultations.models import SupportActivity
from ibasho.indicators import ibasho_attendance, ibasho_sessions
from ibasho.models import Attendance, Session
from kokona.fiscal import current_fiscal_year
from reports.models import SurveyResponse


def test_a_year_of_sessions_with_attendance_once(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    sessions = Session.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert Session.objects.count() == sessions > 100
    year = current_fiscal_year()
    assert ibasho_sessions(year) > 0 and ibasho_attendance(year) > ibasho_sessions(year)
    assert Attendance.objects.unscoped().filter(status="booked").exists()
    assert Attendance.objects.unscoped().filter(role="consultee").exists()
    assert SupportActivity.objects.unscoped().filter(kind="role", notes__isnull=False).exists()
    assert Session.objects.filter(cancelled=True).count() == 1
    assert SurveyResponse.objects.exists()
    # 令和3年度, the city's report year, has its salons too, and no survey answers of theirs.
    assert ibasho_sessions(2021) > 40 and ibasho_attendance(2021) > ibasho_sessions(2021)
    assert not SurveyResponse.objects.filter(session__starts_at__year=2021).exists()
