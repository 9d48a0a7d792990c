"""Quiet notices to supervisors: what they should look into, without telling the person who set
it off (a counselor registering a woman hidden from her, an attacker trying a username).

A notice shows on the supervisors' home until one of them marks it seen. Supervisors with an email
address also get a short mail that says only that there is a notice: never what it is about.
"""

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.utils.translation import gettext as _

from kokona.models import Notice, User
from kokona.roles import Role

logger = logging.getLogger(__name__)


def notify_supervisors(
    message: str, *, target: models.Model | None = None, **params: Any
) -> Notice:
    """Leave `message` (an English msgid marked with gettext_noop) for the supervisors.

    `params` fill the message: codes, ids and usernames only, never what a woman said.
    """
    notice = Notice.objects.create(
        message=message,
        params=params,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
    )
    transaction.on_commit(_mail_supervisors)
    return notice


def _mail_supervisors() -> None:
    addresses = list(
        User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not addresses:
        return
    try:
        send_mail(
            _("kokona: a notice for supervisors"),
            _("There is a new notice on the supervisors' home page of kokona. Please sign in."),
            None,
            addresses,
        )
    except OSError:
        # The notice is on the home page whatever happens to the mail.
        logger.exception("could not mail the supervisors about a notice")
