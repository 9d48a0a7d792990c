"""Taking attendance on a phone during the session, and the expert consultation slots."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consultations.access import get_client_for_user, refuse
from ibasho import attendance as taking
from ibasho import queries
from ibasho.forms import AttendanceChangeForm, AttendanceForm, HeadCountForm
from ibasho.models import Attendance
from ibasho.views.pages import session_page
from ibasho.views.sessions import get_session
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import NPO_STAFF


@require_POST
@role_required(*NPO_STAFF)
def find(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Women the user may see, by nickname or code, as she types (htmx): a POST, so a name being
    searched never lands in a URL or a log line."""
    session = get_session(pk)
    query = request.POST.get("q", "")
    context = {
        "session": session,
        "query": query,
        "matches": queries.find_women(request.user, query, session=session),
        "searched": True,
    }
    return render(request, "ibasho/_women_choices.html", context)


@require_POST
@role_required(*NPO_STAFF)
def add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add the chosen woman; the 検索 button (without JavaScript) searches instead."""
    session = get_session(pk)
    query = request.POST.get("q", "")
    if "search" in request.POST:
        matches = queries.find_women(request.user, query, session=session)
        return session_page(request, session, matches=matches, query=query, searched=True)
    form = AttendanceForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        client = get_client_for_user(request, data["client"])
        try:
            taking.add_attendance(
                by=request.user,
                session=session,
                client=client,
                role=data.get("role", Attendance.Role.PARTICIPANT),
                status=data["status"],
                children=data.get("children") or 0,
                helped_with=data.get("helped_with", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": client.nickname})
            return redirect(f"{session.get_absolute_url()}#attendance")
    return session_page(request, session, status=400, add_form=form, query=query)


@require_POST
@role_required(*NPO_STAFF)
def change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Came, did not come, booking cancelled; her children in childcare; her role."""
    attendance = (
        Attendance.objects.visible_to(request.user)
        .select_related("session", "client")
        .filter(pk=pk)
        .first()
    )
    if attendance is None:
        refuse(request, Attendance, pk)
    form = AttendanceChangeForm(request.POST)
    session = get_session(attendance.session_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            taking.change_attendance(
                by=request.user,
                attendance=attendance,
                status=data["status"] or None,
                children=data["children"],
                role=data["role"] or None,
            )
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
        else:
            messages.success(request, _("%(name)s: saved.") % {"name": attendance.client.nickname})
        return redirect(f"{session.get_absolute_url()}#attendance")
    messages.error(request, _("That change could not be read. Try again."))
    return redirect(f"{session.get_absolute_url()}#attendance")


@require_POST
@role_required(*NPO_STAFF)
def head_count(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Those who came without giving a name, and their children: − and + buttons or numbers."""
    session = get_session(pk)
    data = request.POST.copy()
    step = data.get("step", "")
    if step:
        field, _sign, amount = step.partition(":")
        if field in ("anonymous_count", "anonymous_children") and amount in ("1", "-1"):
            current = getattr(session, field)
            data[field] = str(max(0, current + int(amount)))
            other = "anonymous_children" if field == "anonymous_count" else "anonymous_count"
            data[other] = str(getattr(session, other))
    form = HeadCountForm(data)
    error = ""
    if form.is_valid():
        try:
            taking.set_head_count(by=request.user, session=session, **form.cleaned_data)
        except ValidationError as refused:
            error = "".join(refused.messages)
    else:
        error = _("Enter the numbers as whole numbers, 0 or more.")
    if request.htmx:
        session = get_session(pk)
        context = {"session": session, "error": error, "oob": True}
        # 200 even when refused: htmx swaps in only a successful answer, and the refusal must
        # show where the buttons are.
        return render(request, "ibasho/_head_count.html", context)
    if error:
        messages.error(request, error)
    return redirect(f"{session.get_absolute_url()}#head-count")


@require_GET
@role_required(*NPO_STAFF)
def appointments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Expert consultation slots of the next two months, free or booked."""
    slots = queries.upcoming_slots(request.user)
    context = {"slots": slots, "view": "appointments", "today": timezone.localdate()}
    return render(request, "ibasho/appointments.html", context)
