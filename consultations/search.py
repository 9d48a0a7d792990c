"""Finding a woman: by a part of her nickname, her system code or a handle (exact), as the user
may see her, and what tells two women of the same nickname apart."""

import re
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from consultations.models import Case, CaseStatus, Client, Contact
from kokona.crypto import HANDLE_KINDS
from kokona.models import User

_CODE = re.compile(r"[cC]-?0*(\d{1,9})")


def search_clients(user: User, text: str, *, limit: int = 8) -> list[Client]:
    """Women matching a nickname (part of it), a system code (C-00042) or a handle (exact)."""
    text = text.strip()
    if not text:
        return []
    visible = Client.objects.visible_to(user).select_related("age_band")
    match = Q(nickname__icontains=text)
    if code := _CODE.fullmatch(text):
        match |= Q(pk=int(code.group(1)))
    for kind in HANDLE_KINDS:
        ids = visible.with_handle(kind, text).values("pk")
        match |= Q(pk__in=ids)
    return tell_apart(visible.filter(match).order_by("nickname", "pk")[:limit], user)


def tell_apart(clients: QuerySet[Client], user: User) -> list[Client]:
    """Women as a search lists them: with what tells two はな of 30代 apart (her last contact and
    its channel, her latest case's status and counselor, a masked handle), all as `user` may see
    it. Subqueries on the rows shown: one query, however many women match."""
    last = Contact.objects.visible_to(user).filter(client=OuterRef("pk")).order_by("-occurred_at")
    latest_case = (
        Case.objects.visible_to(user).filter(client=OuterRef("pk")).order_by("-opened_on", "-pk")
    )
    rows: list[Any] = list(
        clients.annotate(
            last_contact_at=Subquery(last.values("occurred_at")[:1]),
            last_channel=Subquery(last.values("channel__label")[:1]),
            case_status=Subquery(latest_case.values("status")[:1]),
            case_counselor=Subquery(latest_case.values("assigned_to__display_name")[:1]),
        )
    )
    for client in rows:
        client.case_status_label = (
            CaseStatus(client.case_status).label if client.case_status else ""
        )
    return rows
