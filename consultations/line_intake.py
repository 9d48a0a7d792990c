"""LINE messages in, replies out: the workflows behind the webhook and the case page's reply.

A LINE user becomes a pseudonymous client, found again by the keyed hash of her LINE user id.
Each message becomes a LINE contact on her open case, or on a new unassigned one, timed when she
sent it (so 00:30 on 1 April, Japan time, counts in the new fiscal year). Nobody signed in acts
on the webhook: its audit events name "line".
"""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import line
from consultations.intake import new_case
from consultations.models import (
    Case,
    Channel,
    Client,
    Contact,
    LineAccount,
    LineEvent,
    LineReply,
    ReachSettings,
)
from consultations.tasks import send_line_reply
from kokona import audit
from kokona.audit import Action
from kokona.compiled import AN_ID, Compiled
from kokona.crypto import keyed_hash
from kokona.models import User

LINE = "line"
# The out-of-hours reply goes at most once in this time to one woman.
AUTO_REPLY_EVERY = dt.timedelta(hours=12)


def _account(user_id: str) -> LineAccount | None:
    digest = keyed_hash(user_id, kind="line")
    # The webhook acts for nobody: her account is found past the door, by its hash only.
    return LineAccount.objects.unscoped().select_related("client").filter(user_hash=digest).first()


def _summary(event: line.Incoming) -> str:
    if event.message_type == "text":
        return event.text
    if event.message_type == "sticker":
        return _("[She sent a sticker]")
    if event.message_type == "image":
        return _("[She sent an image: see it in the LINE app]")
    return _("[She sent a message of a kind kokona does not show: %(kind)s]") % {
        "kind": event.message_type
    }


def _her_case(client: Client, *, opened_on: dt.date) -> Case:
    case = (
        Case.objects.unscoped().filter(client=client).open().order_by("-opened_on", "-pk").first()
    )
    return case or new_case(client, opened_on=opened_on)


@transaction.atomic
def take_event(event: line.Incoming) -> LineEvent | None:
    """Store one webhook event once (None when LINE delivered it before)."""
    try:
        with transaction.atomic():
            stored = LineEvent.objects.create(
                event_id=event.event_id, kind=event.kind, occurred_at=event.occurred_at
            )
    except IntegrityError:
        return None  # redelivered: webhookEventId is unique
    account = _account(event.user_id) if event.user_id else None
    if event.kind in (LineEvent.Kind.FOLLOW, LineEvent.Kind.UNFOLLOW) and account is not None:
        following = event.kind == LineEvent.Kind.FOLLOW
        LineAccount.objects.unscoped().filter(pk=account.pk).update(following=following)
    if event.kind != LineEvent.Kind.MESSAGE or not event.user_id:
        return stored
    if account is None:
        client = Client(nickname=_("LINE user"), may_contact_by_line=True)
        client.save()
        audit.record(Action.CREATE, client, by=None, username=LINE)
        account = LineAccount.objects.create(
            client=client, user_id=event.user_id, user_hash=keyed_hash(event.user_id, kind="line")
        )
    case = _her_case(account.client, opened_on=timezone.localdate(event.occurred_at))
    contact = Contact.objects.create(
        client=account.client,
        case=case,
        channel=Channel.objects.get(code=LINE),
        occurred_at=event.occurred_at,
        direction=Contact.Direction.INBOUND,
        summary=_summary(event),
    )
    audit.record(Action.CREATE, contact, by=None, username=LINE)
    Case._base_manager.filter(pk=case.pk).update(updated_at=timezone.now())
    LineEvent.objects.unscoped().filter(pk=stored.pk).update(contact=contact)
    _reply_out_of_hours(account, case)
    return stored


def _reply_out_of_hours(account: LineAccount, case: Case) -> None:
    settings = ReachSettings.current()
    now = timezone.now()
    if settings.is_open(now):
        return
    if account.auto_replied_at and now - account.auto_replied_at < AUTO_REPLY_EVERY:
        return
    numbers = "\n".join(f"{n.label} {n.number}" for n in settings.numbers)
    queue_reply(case=case, text=f"{settings.auto_reply}\n\n{numbers}", by=None)
    LineAccount.objects.unscoped().filter(pk=account.pk).update(auto_replied_at=now)


@transaction.atomic
def queue_reply(*, case: Case, text: str, by: User | None) -> Contact:
    """Our reply on LINE: recorded first as an outbound contact, then sent by the worker (the
    task row is written in this transaction). `by` None: the out-of-hours auto-reply."""
    if not LineAccount.objects.unscoped().filter(client_id=case.client_id).exists():
        raise ValidationError(_("She has not written to us on LINE: there is nobody to answer."))
    contact = Contact.objects.create(
        client_id=case.client_id,
        case=case,
        channel=Channel.objects.get(code=LINE),
        occurred_at=timezone.now(),
        direction=Contact.Direction.OUTBOUND,
        counselor=by,
        summary=text,
        created_by=by,
    )
    audit.record(Action.CREATE, contact, by=by, username="" if by else LINE)
    reply = LineReply.objects.create(contact=contact)
    send_line_reply.enqueue(reply.pk)
    return contact


@transaction.atomic
def retry_reply(reply: LineReply, *, by: User) -> None:
    """Send again a reply that finally failed (fetched through `by`'s door)."""
    if reply.status != LineReply.Status.FAILED:
        raise ValidationError(_("This reply is not waiting to be sent again."))
    LineReply.objects.unscoped().filter(pk=reply.pk).update(
        status=LineReply.Status.QUEUED, attempts=0, updated_at=timezone.now()
    )
    audit.record(Action.UPDATE, reply.contact, by=by, detail={"line_reply": "retry"})
    send_line_reply.enqueue(reply.pk)


@functools.cache
def _writes_on_line() -> Compiled:
    """Whether a woman has a LINE account, as SQL compiled once per process: her id is its value."""
    return Compiled(LineAccount.objects.unscoped().filter(client_id=AN_ID).values("pk")[:1], AN_ID)


def case_panel(case: Case, user: User) -> dict[str, object] | None:
    """What the case page shows of LINE: whether she can be answered there, and our replies that
    are still on their way or did not arrive.

    Asked first past the door, as the home asks whether anything waits (consultations.queries):
    a yes or no on a woman the case page has just read through the door, which reads no record
    and spares most case pages the door's read of her account (most women do not write on LINE;
    building that read cost more than the database's answer)."""
    if not _writes_on_line().any(case.client_id):
        return None
    if not LineAccount.objects.visible_to(user).filter(client_id=case.client_id).exists():
        return None
    waiting = (
        LineReply.objects.visible_to(user)
        .filter(contact__case=case)
        .exclude(status=LineReply.Status.SENT)
        .select_related("contact")
        .order_by("-contact__occurred_at")
    )
    return {"replies": list(waiting)}
