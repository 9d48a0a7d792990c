"""Shared personas and helpers. Every test builds its own data; nothing is random."""

import importlib
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoDbBlocker

from kokona.db_roles import as_owner, create_app_role_if_missing, owner_maintenance_connection
from kokona.middleware import SESSION_AUTH_AT
from kokona.models import User
from kokona.roles import Role

PASSWORD = "a long passphrase for tests"
# Fixed, so every test computes the same codes.
TOTP_KEY = "3132333435363738393031323334353637383930"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the transactional tests (the browser's) after all the others.

    pytest-django orders them last, but pytest then regroups tests by session-scoped parameters
    (Playwright's browser name), which can pull them into the middle. A transactional test ends by
    emptying every table, reference data included, so the tests after it would find no roles and
    no vocabularies.
    """

    def transactional(item: pytest.Item) -> bool:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        return bool(marker and marker.kwargs.get("transaction")) or "live_server" in fixtures

    items.sort(key=transactional)


def make_user(username: str, *roles: Role, staff: bool = False, **fields: object) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=staff, **fields)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    return user


# Data migrations that fill reference tables (roles, targets, vocabularies). A transactional test
# ends with a flush that empties them, so such tests load them again through `reference_data`.
REFERENCE_DATA = [
    ("kokona.migrations.0002_roles", "create_roles"),
    ("kokona.migrations.0005_notice", "grant"),
    ("reports.migrations.0002_targets_from_the_city", "add_targets"),
    ("reports.migrations.0003_supervisors_edit_targets", "grant"),
    ("consultations.migrations.0002_vocabularies", "add_vocabularies"),
    ("consultations.migrations.0003_role_permissions", "grant"),
    ("consultations.migrations.0013_closing_reasons_vocabulary", "add_closing_reasons"),
    ("consultations.migrations.0014_reach_web_form_and_line", "grant"),
    ("supplies.migrations.0002_vocabularies", "add_vocabularies"),
    ("supplies.migrations.0003_role_permissions", "grant"),
    ("ibasho.migrations.0002_programs", "add_programs"),
    ("ibasho.migrations.0003_supervisors_edit_programs", "grant"),
]


def load_reference_data() -> None:
    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


def add_authenticator(user: User, key: str = TOTP_KEY) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", key=key, confirmed=True)


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code her authenticator would be taken for now, as the server counts.

    The server keeps the device's drift (a code accepted a step late moves it by one) and takes a
    code once (`last_t`): both are read from the database, so a second sign-in in the same half
    minute, or one just across a step, gets the next code rather than a refused one.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    unused = max(totp.t(), device.last_t + 1)
    if unused > totp.t() + device.tolerance:  # every code the server takes now has been used
        time.sleep(device.step - (totp.time - device.t0) % device.step)
        return totp_code(device, offset_steps)
    totp.time += (unused + offset_steps - totp.t()) * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in as the login page would: password, and the second factor when they owe one."""
    client.force_login(user)
    session = client.session
    session[SESSION_AUTH_AT] = time.time()
    if user.requires_two_factor or TOTPDevice.objects.filter(user=user).exists():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_authenticator(
            user
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class BrowserClient(Client):
    """Posts as a browser's form does: URL-encoded, and multipart only when a file is attached.

    kokona refuses multipart bodies on every page but the upload (kokona.request_size), while
    Django's test client would send every POST as multipart.
    """

    def post(  # type: ignore[override]
        self, path: str, data: object = None, content_type: str = MULTIPART_CONTENT, **extra: Any
    ) -> Any:
        if content_type is MULTIPART_CONTENT and not _has_file(data):
            content_type = "application/x-www-form-urlencoded"
            if isinstance(data, QueryDict):
                data = data.urlencode()
            else:
                data = urlencode(data or {}, doseq=True)  # type: ignore[call-overload]
        return super().post(path, data, content_type, **extra)


def _has_file(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    values = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return any(hasattr(value, "read") for value in values)


def without_tokens(response) -> str:  # type: ignore[no-untyped-def]
    """The page with its per-request CSRF token and CSP nonce blanked out, to compare two pages."""
    html = response.content.decode()
    return re.sub(
        r'("X-CSRFToken": "|nonce="|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html
    )


def https_client() -> Client:
    # In production TLS ends at the proxy, which says so in X-Forwarded-Proto.
    return BrowserClient(headers={"X-Forwarded-Proto": "https"})


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: DjangoDbBlocker,
    django_db_keepdb: bool,
    django_db_createdb: bool,
) -> Iterator[None]:
    """pytest-django's test database, created and migrated as the owner (MIGRATE_DATABASE_URL);
    then every test runs as the app's role (DATABASE_URL), which proves its privileges suffice.

    The app's login role is created first when missing, as `manage.py createdb` would.
    """
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    with owner_maintenance_connection() as conn:
        create_app_role_if_missing(conn)
    with django_db_blocker.unblock(), as_owner():
        # kokona has one database and always migrates: its triggers live in migrations.
        config = setup_databases(
            verbosity=verbosity, interactive=False, aliases={"default"}, keepdb=keepdb
        )
    yield
    if not keepdb:
        with django_db_blocker.unblock(), as_owner():
            teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="session", autouse=True)
def collected_static_files() -> None:
    """Production serves hashed static files from STATIC_ROOT (whitenoise); tests render the same."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached (the reports' figures, the survey page's counts)."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # Production hashes slowly on purpose; tests only need the same behaviour.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def client() -> Client:
    return https_client()


@pytest.fixture
def counselor(db: None) -> User:
    return make_user("sakura", Role.COUNSELOR, display_name="相談員 さくら")


@pytest.fixture
def other_counselor(db: None) -> User:
    return make_user("mizuki", Role.COUNSELOR, display_name="相談員 みずき")


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("haruka", Role.SUPERVISOR, staff=True, display_name="管理者 はるか")


@pytest.fixture
def city_staff(db: None) -> User:
    return make_user("city", Role.CITY_STAFF, display_name="こども支援課")


@pytest.fixture
def site_manager(db: None) -> User:
    return make_user("flat", Role.SITE_MANAGER, display_name="ふらっと")


@pytest.fixture
def client_as(db: None, request: pytest.FixtureRequest) -> Callable[[str], Client]:
    """`client_as("counselor")`: a client signed in as that persona ("anonymous": not signed in)."""

    def build(persona: str) -> Client:
        client = https_client()
        if persona != "anonymous":
            sign_in(client, request.getfixturevalue(persona))
        return client

    return build
