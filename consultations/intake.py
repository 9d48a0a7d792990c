"""Consultations that arrive by themselves: the public web form and LINE.

Nobody signed in acts here, so these workflows take no `by`: the audit events name the channel
("webform", "line") as the actor's name. Each new woman becomes a pseudonymous client with an
unassigned case in 受付, which puts her first message on the counselors' home, where one of them
takes her case.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import (
    AgeBand,
    Case,
    CaseStatus,
    CaseStatusChange,
    Channel,
    Client,
    Contact,
    PublicThrottle,
)
from kokona import audit
from kokona.audit import Action
from kokona.crypto import keyed_hash
from supplies.models import CardLink

WEB_FORM = "webform"
# Uses of the public form an address may make (kokona.client_address), and over what time.
FORM_LIMIT = 5
FORM_WINDOW = dt.timedelta(hours=1)


class ReplyBy:
    LINE = "line"
    EMAIL = "email"
    PHONE = "phone"
    NONE = "none"


def throttled(
    address: str | None, *, limit: int = FORM_LIMIT, window: dt.timedelta = FORM_WINDOW
) -> bool:
    """Count one use of a public form from `address`; True when it is over the limit.

    The address is kept only as a keyed hash and only for a day.
    """
    now = timezone.now()
    PublicThrottle.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
    key = keyed_hash(address or "unknown", kind="text")
    used = PublicThrottle.objects.filter(key=key, at__gte=now - window).count()
    if used >= limit:
        return True
    PublicThrottle.objects.create(key=key, at=now)
    return False


def new_case(client: Client, *, opened_on: dt.date) -> Case:
    case = Case.objects.create(client=client, assigned_to=None, opened_on=opened_on)
    CaseStatusChange.objects.create(case=case, to_status=CaseStatus.RECEIVED, changed_by=None)
    return case


@transaction.atomic
def take_web_consultation(
    *,
    message: str,
    nickname: str,
    age_band: AgeBand | None,
    reply_by: str,
    handle: str,
    card_link: CardLink | None,
) -> Contact:
    """The web form, sent: a new pseudonymous woman, an unassigned case, and her message as a
    Webフォーム contact that names the card she came through."""
    fields: dict[str, object] = {}
    if reply_by == ReplyBy.EMAIL:
        fields = {"email": handle, "may_contact_by_email": True}
    elif reply_by == ReplyBy.PHONE:
        fields = {"phone": handle, "may_contact_by_phone": True}
    elif reply_by == ReplyBy.LINE:
        fields = {"line_id": handle, "may_contact_by_line": True}
    client = Client(
        nickname=nickname or _("Anonymous (web form)"),
        age_band=age_band,
        under_18=bool(age_band and age_band.code == "teens"),
        **fields,
    )
    client.save()
    audit.record(Action.CREATE, client, by=None, username=WEB_FORM)
    now = timezone.now()
    case = new_case(client, opened_on=timezone.localdate(now))
    wish = {
        ReplyBy.LINE: _("She would like an answer on LINE."),
        ReplyBy.EMAIL: _("She would like an answer by email."),
        ReplyBy.PHONE: _("She would like a phone call."),
        ReplyBy.NONE: _("She does not want an answer."),
    }[reply_by]
    contact = Contact.objects.create(
        client=client,
        case=case,
        channel=Channel.objects.get(code=WEB_FORM),
        occurred_at=now,
        direction=Contact.Direction.INBOUND,
        summary=f"{message}\n\n（{wish}）",
        card_link=card_link,
    )
    audit.record(Action.CREATE, contact, by=None, username=WEB_FORM)
    return contact
