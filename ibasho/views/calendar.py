"""The calendar (month and week) and the list of sessions."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ibasho import queries, schedule
from ibasho.forms import ListFilterForm
from ibasho.models import Program
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, filter_panel, filters_of, page_of
from kokona.roles import NPO_STAFF


def _program(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("program", "")
    return int(value) if value.isdigit() else None


def _month_page(request: AuthenticatedHttpRequest, year: int, month: int) -> HttpResponse:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    program = _program(request)
    today = timezone.localdate()
    context = {
        "view": "month",
        "month": queries.month(year, month, program=program),
        "weekdays": schedule.WEEKDAYS_FROM_SUNDAY,
        "today": today,
        "programs": Program.objects.active(),
        "program": program,
        "week_start": dt.date(year, month, 1)
        if (year, month) != (today.year, today.month)
        else today,
    }
    return render(request, "ibasho/month.html", context)


@require_GET
@role_required(*NPO_STAFF)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This month's calendar."""
    today = timezone.localdate()
    return _month_page(request, today.year, today.month)


@require_GET
@role_required(*NPO_STAFF)
def month(request: AuthenticatedHttpRequest, year: int, month: int) -> HttpResponse:
    return _month_page(request, year, month)


@require_GET
@role_required(*NPO_STAFF)
def week(request: AuthenticatedHttpRequest, year: int, month: int, day: int) -> HttpResponse:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    days = queries.week(date, program=_program(request))
    context = {
        "view": "week",
        "days": days,
        "previous": days[0].date - dt.timedelta(days=7),
        "next": days[0].date + dt.timedelta(days=7),
        "today": timezone.localdate(),
        "programs": Program.objects.active(),
        "program": _program(request),
    }
    return render(request, "ibasho/week.html", context)


@require_GET
@role_required(*NPO_STAFF)
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every session, from today on unless the filter says otherwise; 25 a page."""
    filters = filters_of(request, ListFilterForm)
    if panel := filter_panel(request, filters):
        return panel
    cleaned = filters.cleaned
    first = cleaned.get("first") or (None if cleaned.get("last") else timezone.localdate())
    program = cleaned.get("program")
    sessions = queries.session_list(
        first=first,
        last=cleaned.get("last"),
        program=program.pk if program else None,
        include_cancelled=not cleaned.get("hide_cancelled"),
    )
    context = {
        "filters": filters,
        "page": page_of(sessions, request.GET.get("page")),
        "query": filters.query,
        "first": first,
        "view": "list",
        "today": timezone.localdate(),
    }
    return render(request, "ibasho/sessions.html", context)
