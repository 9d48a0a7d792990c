"""The one way to write the audit trail.

Call it inside the transaction of the change it records, so the trail and the data agree.
Never put what a woman said into `detail`: ids and field names only.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest

from kokona.client_address import client_ip
from kokona.models import AuditEvent, User

Action = AuditEvent.Action


def record(
    request: HttpRequest | None,
    action: AuditEvent.Action,
    target: models.Model | None = None,
    *,
    user: User | None = None,
    username: str = "",
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. The actor is `user`, else the request's signed-in user."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment]
    if target is not None:
        object_type = target._meta.label_lower
        object_id = target.pk
    return AuditEvent.objects.create(
        actor=user,
        username=user.get_username() if user is not None else username,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        request_id=getattr(request, "request_id", None),
        ip=client_ip(request) if request is not None else None,
        detail=detail or {},
    )


def record_many(
    action: AuditEvent.Action,
    entries: Iterable[tuple[models.Model, dict[str, Any]]],
    *,
    user: User | None,
) -> None:
    """Append one event per (target, detail) in one statement, outside any request (an import
    applied by the background worker or a command): the rows `record` would write, without a
    round trip each."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            username=user.get_username() if user is not None else "",
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            detail=detail,
        )
        for target, detail in entries
    )
