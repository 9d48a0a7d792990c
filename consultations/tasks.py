"""Background work of the consultations, run by `manage.py db_worker`: sending LINE replies."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from consultations import line
from consultations.models import LineReply
from kokona import request_context


def deliver_line_reply(reply_id: int) -> str:
    """Send one reply through the push API. A refusal or an unreachable LINE is tried again after
    each of LINE_RETRY_DELAYS; after the last it is marked failed, for a counselor to send again.
    The reply's row is locked meanwhile, so two workers never send it twice."""
    with transaction.atomic():
        reply = (
            LineReply.objects.unscoped()  # no user acts here: the worker sends what was queued
            .select_for_update(of=("self",))
            .select_related("contact__client__line_account")
            .get(pk=reply_id)
        )
        if reply.status != LineReply.Status.QUEUED:
            return str(reply.status)
        contact = reply.contact
        account = getattr(contact.client, "line_account", None)
        reply.attempts += 1
        reply.updated_at = timezone.now()
        try:
            if account is None:
                raise line.SendFailed("no LINE account")
            line.push_text(account.user_id, contact.summary, retry_key=str(reply.retry_key))
        except line.SendFailed as failure:
            reply.error = failure.reason[:100]
            delays = settings.LINE_RETRY_DELAYS
            if account is not None and reply.attempts <= len(delays):
                later = timezone.now() + dt.timedelta(seconds=delays[reply.attempts - 1])
                send_line_reply.using(run_after=later).enqueue(reply.pk)
            else:
                reply.status = LineReply.Status.FAILED
        else:
            reply.status, reply.error = LineReply.Status.SENT, ""
        reply.save(update_fields=["status", "attempts", "error", "updated_at"])
        return str(reply.status)


@task()
def send_line_reply(reply_id: int) -> str:
    """Only the reply's id travels through the queue: the text stays encrypted on its contact."""
    with request_context.bound(id=f"line-reply-{reply_id}"):
        return deliver_line_reply(reply_id)
