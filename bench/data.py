"""Synthetic data for the benchmark: many women, each with a case and a run of contacts."""

import datetime as dt
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.models import Case, Channel, Client, ConcernCategory, Contact
from kokona.middleware import SESSION_AUTH_AT
from kokona.models import User
from kokona.roles import Role

CONTACTS_PER_WOMAN = 6


def _counselor(username: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password("bench passphrase only")
        user.save()
        user.groups.add(Group.objects.get(name=Role.COUNSELOR))
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


@transaction.atomic
def grow(women: int) -> User:
    """Add `women` women with a case each (half of them the benchmarked counselor's) and
    CONTACTS_PER_WOMAN contacts each over the last two years; return that counselor."""
    me, other = _counselor("bench_a"), _counselor("bench_b")
    channels = list(Channel.objects.all())
    concerns = list(ConcernCategory.objects.all())
    start = Client.objects.count()
    clients = Client.objects.bulk_create(
        Client(nickname=f"ベンチ{start + i}", household_notes="世帯の状況（架空）")
        for i in range(women)
    )
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        Case(
            client=client,
            assigned_to=me if i % 2 == 0 else other,
            restricted=i % 50 == 0,
            primary_concern=concerns[i % len(concerns)],
            follow_up_due=today + dt.timedelta(days=(i % 30) - 10),
            status=["received", "supporting", "referred"][i % 3],
        )
        for i, client in enumerate(clients)
    )
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            client=case.client,
            case=case,
            channel=channels[(i + n) % len(channels)],
            counselor=case.assigned_to,
            occurred_at=now - dt.timedelta(days=(i * 7 + n * 29) % 730, hours=n),
            summary="相談の内容（架空のベンチマーク用データ）",
        )
        for i, case in enumerate(cases)
        for n in range(CONTACTS_PER_WOMAN)
    )
    return me


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would keep them on a real database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def signed_in_client(
    user: User,
) -> tuple[HttpClient, Callable[[], AbstractContextManager[CaptureQueriesContext]]]:
    client = HttpClient(headers={"X-Forwarded-Proto": "https"})
    client.force_login(user)
    session = client.session
    session[SESSION_AUTH_AT] = time.time()
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client, lambda: CaptureQueriesContext(connection)
