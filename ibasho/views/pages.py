"""The session page, drawn the same whether it is opened or a form on it comes back with errors.

Its attendance list names women: each one shown is a read of her record, audited here in one
statement, whatever the length of the list."""

from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse

from ibasho import queries
from ibasho.forms import AttendanceForm, CancelForm, HeadCountForm
from ibasho.models import Session
from kokona import audit
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import Role
from reports import surveys


def session_page(
    request: AuthenticatedHttpRequest, session: Session, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    attendance = queries.attendance_of(session, user)
    audit.record_many(
        audit.Action.VIEW, ((a, {"session": session.pk}) for a in attendance), by=user
    )
    women = [a for a in attendance if not a.Role(a.role).helps_run]
    context = {
        "session": session,
        "attendance": women,
        "helpers": [a for a in attendance if a.Role(a.role).helps_run],
        "add_form": extra.pop("add_form", None) or AttendanceForm(session=session),
        "head_form": extra.pop("head_form", None)
        or HeadCountForm(
            initial={
                "anonymous_count": session.anonymous_count,
                "anonymous_children": session.anonymous_children,
            }
        ),
        "cancel_form": CancelForm(session=session),
        "survey_total": sum(surveys.counts_for_session(session.pk).values()),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "matches": extra.pop("matches", []),
        "query": extra.pop("query", ""),
        "searched": extra.pop("searched", False),
        **extra,
    }
    return TemplateResponse(request, "ibasho/session.html", context, status=status)
