"""Signed-in users for the benchmark, made server-side: a session per role, with the second
factor marked as verified, as the tests' `sign_in` does. Nothing here is reachable from a URL."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.pages import Found
from consultations.models import Case, Channel, ConcernCategory, SupportActivity
from kokona.fiscal import current_fiscal_year
from kokona.middleware import SESSION_AUTH_AT
from kokona.models import User

USERS = {"counselor": "scale_c1", "site_manager": "scale_site", "city_staff": "scale_city"}


def sign_in() -> dict[str, str]:
    """A session key for each role's bench user."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for role, username in USERS.items():
        user = User.objects.get(username=username)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "kokona.backends.RolesBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_AUTH_AT] = time.time()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        keys[role] = str(session.session_key)
    return keys


def find() -> Found:
    counselor = User.objects.get(username=USERS["counselor"])
    # The seed's 200-entry case (consultations/scale.py): hers with by far the most support
    # activities. Not the most contacts: the quick contact POST adds about a hundred contacts to
    # another woman's case on every run, and that case became the longest after two runs, so that
    # "the case page" measured a different case (600 contacts of the same day) from then on.
    longest = (
        SupportActivity.objects.unscoped()
        .filter(case__assigned_to=counselor, case__restricted=False)
        .values("case")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert longest is not None, "the seeded database has no case for the bench counselor"  # nosec B101
    woman = (
        Case.objects.unscoped()
        .open()
        .filter(assigned_to=counselor, restricted=False)
        .exclude(pk=longest["case"])
        .values_list("client_id", flat=True)
        .first()
    )
    return Found(
        counselor_id=counselor.pk,
        long_case=longest["case"],
        woman=int(woman or 0),
        category=ConcernCategory.objects.order_by("order", "pk").values_list("pk", flat=True)[0],
        channel=Channel.objects.order_by("order", "pk").values_list("pk", flat=True)[0],
        fiscal_year=current_fiscal_year(),
    )
