"""The one way to write the audit trail.

Call it inside the transaction of the change it records, so the trail and the data agree.
Never put what a woman said into `detail`: ids and field names only.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from kokona import request_context
from kokona.models import AuditEvent, User

Action = AuditEvent.Action


def record(
    action: AuditEvent.Action,
    target: models.Model | None = None,
    *,
    by: User | AnonymousUser | None,
    username: str = "",
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event by `by` (None or anonymous: nobody signed in; `username` says who was
    named). The request id and the client's address come from kokona.request_context."""
    actor = by if by is not None and by.is_authenticated else None
    if target is not None:
        object_type = target._meta.label_lower
        object_id = target.pk
    return AuditEvent.objects.create(
        actor=actor,
        username=actor.get_username() if actor is not None else username,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        request_id=_request_uuid(),
        ip=request_context.client_address.get(),
        detail=detail or {},
    )


def record_many(
    action: AuditEvent.Action,
    entries: Iterable[tuple[models.Model, dict[str, Any]]],
    *,
    by: User | None,
) -> None:
    """Append one event per (target, detail) in one statement (an import of thousands of rows):
    the rows `record` would write, without a round trip each."""
    request_id, address = _request_uuid(), request_context.client_address.get()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=by,
            username=by.get_username() if by is not None else "",
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            request_id=request_id,
            ip=address,
            detail=detail,
        )
        for target, detail in entries
    )


def _request_uuid() -> uuid.UUID | None:
    """The request's id; None outside a request (a command, or a task named otherwise)."""
    try:
        return uuid.UUID(request_context.request_id.get())
    except ValueError:
        return None
