"""A username attacked from many addresses at once.

django-axes locks a username *and address* pair after five failures, so a colleague at another
desk is never locked out by someone guessing elsewhere. An attacker with many addresses gets five
guesses from each: past USERNAME_FAILURE_LIMIT failures in the cool-off time, the username is
locked for everyone until the window passes, and the supervisors are told. Failures are read from
the audit trail, which records every one with its address.
"""

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from kokona import notices
from kokona.models import AuditEvent

UNDER_ATTACK = gettext_noop(
    "Sign-in for the username %(username)s failed %(failures)s times from %(addresses)s addresses"
    " within 30 minutes. It is locked for everyone for 30 minutes. If she cannot sign in, this is"
    " why; consider whether her password may be known."
)


def _recent_failures(username: str) -> dict[str, int]:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.FAILED_LOGIN,
        username=username,
        at__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).aggregate(failures=Count("pk"), addresses=Count("ip", distinct=True))


def locked(username: str) -> bool:
    return _recent_failures(username)["failures"] >= settings.USERNAME_FAILURE_LIMIT


def failure_recorded(username: str) -> None:
    """Call after a failed sign-in was audited: the failure that reaches the limit tells the
    supervisors, once per attack."""
    counts = _recent_failures(username)
    if counts["failures"] == settings.USERNAME_FAILURE_LIMIT:
        notices.notify_supervisors(
            UNDER_ATTACK,
            username=username,
            failures=counts["failures"],
            addresses=counts["addresses"],
        )
