"""The session calendar's day cells and session chips, and a session's places
(`{% calendar_day day %}`, `{% session_chip session %}`, `{% session_places session %}`).

Written here in Python, as the case rows are (consultations/templatetags/cases.py): a month's grid
is 42 day cells and their chips, each cell a reversed link and a dozen variables, tags and filters
through the template engine. What each writes is what the templates wrote (tests)."""

import datetime as dt
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ibasho.models import Session
from ibasho.schedule import Day
from kokona.http import path_of

register = template.Library()


@register.simple_tag
def calendar_day(day: Day) -> SafeString:
    """A day of the month's grid: its number linked to its week, its weekday, the holiday's name,
    and a chip for each session."""
    holiday = day.holiday
    css = "cal-day"
    css += "" if day.in_month else " cal-day--outside"
    css += " cal-day--today" if day.is_today else ""
    css += "" if day.sessions else " cal-day--empty"
    css += " cal-day--holiday" if holiday else ""
    date = day.date
    week = path_of("ibasho:week", date.year, date.month, date.day)
    current = ' aria-current="date"' if day.is_today else ""
    name = f' <span class="holiday">{escape(holiday)}</span>' if holiday else ""
    chips = "".join(session_chip(session) for session in day.sessions)
    html = (
        f'<td class="{css}">\n        <p class="cal-day__head {day.css}"><a href="{week}"'
        f' class="cal-day__number"{current}>{date.day}<span class="cal-day__weekday">'
        f"（{day.weekday}）</span></a>{name}</p>\n        {chips}\n      </td>"
    )
    # Each value above is escaped as it is written in.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


@register.simple_tag
def session_chip(session: Session) -> SafeString:
    """A session as the calendar shows it: its times and programme, linked to its page, and
    whether it was cancelled, is booked (a slot by appointment) or how many places are taken."""
    program = session.program
    if session.cancelled:
        kind = " session-chip--cancelled"
        state = f'<span class="tag tag--error">{escape(_("Cancelled"))}</span>'
    elif program.by_appointment:
        kind = " session-chip--slot"
        booked = _("Booked") if session.registered else _("Free")  # type: ignore[attr-defined]
        state = f'<span class="session-chip__count">{escape(booked)}</span>'
    else:
        kind = ""
        state = f'<span class="session-chip__count">{session_places(session)}</span>'
    html = (
        f'<a class="session-chip{kind}" href="{session.get_absolute_url()}">\n'
        f'  <span class="session-chip__time">{_time(session.starts_at)}–{_time(session.ends_at)}'
        f'</span>\n  <span class="session-chip__name">{escape(program.label)}</span>\n'
        f"  {state}\n</a>\n"
    )
    # Each value above is escaped as it is written in.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


@register.simple_tag
def session_places(session: Session) -> SafeString:
    """「3/10人」, or 「3人」 with no limit, and the childcare places taken when it has childcare
    (「託児 2/4」): those booked (`ibasho.queries.with_places`) and the head count."""
    taken = session.registered + session.anonymous_count  # type: ignore[attr-defined]
    if session.capacity:
        text = _("%(taken)s/%(capacity)s places") % {"taken": taken, "capacity": session.capacity}
    else:
        text = _("%(taken)s booked") % {"taken": taken}
    html = f'<span class="places">{escape(text)}</span>'
    if session.childcare_places:
        kids = session.registered_children + session.anonymous_children  # type: ignore[attr-defined]
        childcare = _("childcare %(kids)s/%(places)s") % {
            "kids": kids,
            "places": session.childcare_places,
        }
        html += f' <span class="places places--childcare">{escape(childcare)}</span>'
    # Each value above is escaped as it is written in.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _time(moment: dt.datetime) -> str:
    """9:30, in Japan time (the template's `time:"G:i"`)."""
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"
