"""The password, asked again before a sensitive step: changing a second factor or the password,
granting a role, exporting a woman's whole record (ASVS 7.5.1, L3 step-up before export).

Every form that checks the password counts toward one lock per user: five wrong answers in half
an hour, whichever steps they were at, close every step for the rest of the half hour. A session
left open on a shared computer cannot guess its way to an export, and the password-change form is
no password oracle (security.md #31). Each wrong answer is audited.
"""

from datetime import timedelta

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kokona import audit
from kokona.forms import PasswordConfirmForm
from kokona.http import AuthenticatedHttpRequest
from kokona.models import AuditEvent, User

LIMIT = 5
WINDOW = timedelta(minutes=30)


def _recent_refusals(user: User) -> int:
    return AuditEvent.objects.filter(
        actor=user,
        action=AuditEvent.Action.DENIED,
        detail__has_key="step_up",
        at__gte=timezone.now() - WINDOW,
    ).count()


def locked(user: User) -> bool:
    """Whether `user` gave the wrong password too often lately, at any step."""
    return _recent_refusals(user) >= LIMIT


def attempts_left(user: User) -> int:
    """How many more wrong passwords close every step for half an hour."""
    return max(LIMIT - _recent_refusals(user), 0)


def locked_message() -> str:
    return _("Too many wrong passwords. Try again in 30 minutes.")


def refused(request: HttpRequest, *, step: str, target: models.Model | None = None) -> None:
    """Record a wrong password at `step`: it counts toward the lock."""
    audit.record(audit.Action.DENIED, target, by=request.user, detail={"step_up": step})


def confirm_password(
    request: AuthenticatedHttpRequest,
    *,
    step: str,
    prefix: str | None = None,
    target: models.Model | None = None,
) -> str | None:
    """None when the password was right; otherwise the message to show."""
    user = request.user
    if locked(user):
        return locked_message()
    form = PasswordConfirmForm(user, request.POST, prefix=prefix)
    if form.is_valid():
        return None
    refused(request, step=step, target=target)
    return str(form.errors["password"][0])


def checked_form(
    request: AuthenticatedHttpRequest, *, step: str, target: models.Model | None = None
) -> PasswordConfirmForm:
    """The posted password form, checked, for a page that shows it again beside the field: valid
    when the password was right; otherwise its one error says why, and how many wrong answers
    are left before the lock."""
    user = request.user
    form = PasswordConfirmForm(user, request.POST, locked=locked(user))
    if form.is_valid() or form.locked:
        return form
    refused(request, step=step, target=target)
    left = attempts_left(user)
    if left == 0:
        message = locked_message()
    else:
        message = ngettext(
            "The password is not correct. %(left)d more wrong answer closes this for 30 minutes.",
            "The password is not correct. %(left)d more wrong answers close this for 30 minutes.",
            left,
        ) % {"left": left}
    form.errors["password"] = form.error_class([message])
    return form
