"""Planning a session or a series, its page, its changes and cancellation, and the survey tally."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ibasho import queries, services
from ibasho.forms import ONCE, CancelForm, SessionEditForm, SessionForm, SurveyForm
from ibasho.models import Session
from ibasho.views.pages import session_page
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.locking import CONFLICT, VersionConflict, conflict_form
from kokona.roles import NPO_STAFF
from reports import surveys
from reports.models import Satisfaction


def get_session(pk: int) -> Session:
    session = queries.session_page(pk)
    if session is None:
        raise Http404
    return session


def _plan(data: dict, program: object) -> services.Plan:
    return services.Plan(
        program=program,  # type: ignore[arg-type]
        start=data["start"],
        end=data["end"],
        venue=data["venue"],
        capacity=data["capacity"],
        childcare_places=data["childcare_places"] or 0,
        guest=data["guest"],
        notes=data["notes"],
        slot_minutes=data.get("slot_minutes"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def session_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A session, once or repeating (every week, every other week, or the nth weekday monthly)."""
    initial = {"day": request.GET.get("day", "")} if request.method == "GET" else None
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = _plan(data, data["program"])
        try:
            if data["repeat"] == ONCE:
                sessions = services.create_session(
                    by=request.user, plan=plan, day=data["day"], staff=data["staff"]
                )
                if len(sessions) == 1:
                    messages.success(request, _("The session was added."))
                    return redirect(sessions[0])
                messages.success(request, _("%(n)d slots were added.") % {"n": len(sessions)})
                day = data["day"]
                return redirect("ibasho:week", year=day.year, month=day.month, day=day.day)
            series = services.create_series(
                by=request.user, plan=plan, staff=data["staff"], **form.series_rule
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = series.sessions.count()
            messages.success(
                request,
                ngettext(
                    "The series was added with %(n)d session.",
                    "The series was added with %(n)d sessions.",
                    count,
                )
                % {"n": count},
            )
            first = series.sessions.order_by("starts_at").first()
            return redirect("ibasho:month", year=first.date.year, month=first.date.month)  # type: ignore[union-attr]
    status = 400 if form.errors else 200
    return render(request, "ibasho/session_new.html", {"form": form}, status=status)


@require_GET
@role_required(*NPO_STAFF)
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return session_page(request, get_session(pk))


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session(pk)
    form = SessionEditForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                name: data[name]
                for name in ("venue", "capacity", "childcare_places", "guest", "notes")
                if name in form.changed_data
            }
            if "childcare_places" in fields and fields["childcare_places"] is None:
                fields["childcare_places"] = 0
            try:
                count = services.update_sessions(
                    by=request.user,
                    session=session,
                    scope=form.chosen_scope,
                    expected_version=data["version"],
                    fields=fields,
                    # Only what was changed: later sessions keep a time set on them alone.
                    start=data["start"] if "start" in form.changed_data else None,
                    end=data["end"] if "end" in form.changed_data else None,
                    day=data["day"] if "day" in form.changed_data else None,
                    staff=list(data["staff"]) if "staff" in form.changed_data else None,
                )
            except VersionConflict:
                form = conflict_form(
                    request, session, lambda d: SessionEditForm(d, session=session)
                )
                status = CONFLICT
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext("%(n)d session was changed.", "%(n)d sessions were changed.", count)
                    % {"n": count},
                )
                return redirect(session)
    context = {"session": session, "form": form, "cancel_form": CancelForm(session=session)}
    return render(request, "ibasho/session_edit.html", context, status=status)


@require_POST
@role_required(*NPO_STAFF)
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session(pk)
    form = CancelForm(request.POST, session=session)
    if form.is_valid():
        try:
            count, bookings = services.cancel_sessions(
                by=request.user,
                session=session,
                scope=form.chosen_scope,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = ngettext(
                "%(n)d session was cancelled.", "%(n)d sessions were cancelled.", count
            ) % {"n": count}
            if bookings:
                text += " " + ngettext(
                    "%(b)d woman had booked: let her know.",
                    "%(b)d women had booked: let them know.",
                    bookings,
                ) % {"b": bookings}
            messages.success(request, text)
            return redirect(session)
    context = {
        "session": session,
        "form": SessionEditForm(session=session),
        "cancel_form": form,
    }
    return render(request, "ibasho/session_edit.html", context, status=400)


@require_POST
@role_required(*NPO_STAFF)
def session_reinstate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session(pk)
    if session.cancelled:
        services.reinstate_session(by=request.user, session=session)
        messages.success(request, _("The session takes place again."))
    return redirect(session)


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def survey(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The paper satisfaction survey of a session, tallied: how many ticked each answer."""
    session = get_session(pk)
    form = SurveyForm(
        request.POST or None, choices=Satisfaction.choices, initial={"answered_on": session.date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = surveys.record_tally(
                counts=form.counts,
                answered_on=form.cleaned_data["answered_on"],
                program=session.program,
                session=session,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("%(n)d answer was recorded.", "%(n)d answers were recorded.", added)
                % {"n": added},
            )
            return redirect(session)
    tallied = surveys.counts_for_session(session.pk)
    context = {
        "session": session,
        "form": form,
        "tallied": [(Satisfaction(value).label, n) for value, n in tallied.items()],
        "tallied_total": sum(tallied.values()),
    }
    return render(request, "ibasho/survey.html", context, status=400 if form.errors else 200)
