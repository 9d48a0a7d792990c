"""Her 居場所 attendance in her own export (APPI 開示), through consultations' section registry."""

from django.db import models

from consultations.export import Section
from consultations.models import Client
from ibasho.models import Attendance
from kokona.models import User


def her_attendance(client: Client, user: User) -> list[models.Model]:
    """Every session she was listed on, as `user` may see it (the access door), oldest first."""
    return list(
        Attendance.objects.visible_to(user)
        .filter(client=client)
        .select_related("session__program", "activity", "created_by")
        .order_by("session__starts_at", "pk")
    )


# She is the client of every row: the rest of each record is hers to see.
SECTION = Section(model=Attendance, rows=her_attendance, left_out=frozenset({"client"}))
