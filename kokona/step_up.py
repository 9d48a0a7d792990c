"""The password, asked again before a sensitive step: changing a second factor, exporting a
woman's whole record (ASVS 7.5.1, L3 step-up before export).

Five wrong answers in half an hour close that step for the rest of the half hour, so a session
left open on a shared computer cannot guess its way to an export. Each wrong answer is audited.
"""

from datetime import timedelta

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kokona import audit
from kokona.forms import PasswordConfirmForm
from kokona.models import AuditEvent, User

LIMIT = 5
WINDOW = timedelta(minutes=30)


def _recent_refusals(user: User, step: str) -> int:
    return AuditEvent.objects.filter(
        actor=user,
        action=AuditEvent.Action.DENIED,
        detail__step_up=step,
        at__gte=timezone.now() - WINDOW,
    ).count()


def confirm_password(
    request: HttpRequest,
    *,
    step: str,
    prefix: str | None = None,
    target: models.Model | None = None,
) -> str | None:
    """None when the password was right; otherwise the message to show."""
    user: User = request.user  # type: ignore[assignment]
    if _recent_refusals(user, step) >= LIMIT:
        return _("Too many wrong passwords. Try again in 30 minutes.")
    form = PasswordConfirmForm(user, request.POST, prefix=prefix)
    if form.is_valid():
        return None
    audit.record(request, audit.Action.DENIED, target, detail={"step_up": step})
    return str(form.errors["password"][0])
