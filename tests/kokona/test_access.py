"""Who may open kokona's own pages: every URL of the base, GET and POST, for every persona.
(The consultations matrix covers its app; tests/test_url_coverage.py checks nothing is left out.)"""

import pytest
from django.urls import reverse

from kokona.models import ImportBatch, Notice

ALL = ["anonymous", "counselor", "other_counselor", "supervisor", "city_staff", "site_manager"]
SIGNED_IN = {p: "ok" for p in ALL if p != "anonymous"} | {"anonymous": "login"}
PUBLIC = dict.fromkeys(ALL, "ok")
SUPERVISOR = dict.fromkeys(ALL, "forbidden") | {"anonymous": "login", "supervisor": "ok"}
IMPORTERS = SUPERVISOR | {"site_manager": "ok"}


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {403: "forbidden", 404: "hidden", 405: "refused"}.get(response.status_code, "ok")


@pytest.fixture
def notice(db):
    return Notice.objects.create(message="a notice for the test")


@pytest.fixture
def batch(supervisor):
    return ImportBatch.objects.create(
        kind="consultations", filename="a.csv", content=b"x".hex(), uploaded_by=supervisor
    )


def url_of(name: str, notice: Notice, batch: ImportBatch) -> str:
    args = {
        "notice_seen": [notice.pk],
        "import_upload": ["consultations"],
        "import_preview": ["consultations", batch.pk],
        "import_status": ["consultations", batch.pk],
        "invitation": ["MQ", "set-password"],
        "password_reset_confirm": ["MQ", "set-password"],
    }.get(name, [])
    return reverse(name, args=args)


# (url name, method, who gets what). The 403 of a role page is "forbidden"; "refused" is a 405.
MATRIX = [
    ("home", "get", SIGNED_IN),
    ("login", "get", PUBLIC),
    ("login", "post", PUBLIC),
    ("logout", "post", dict.fromkeys(ALL, "login")),  # signed out, back to the sign-in page
    ("account", "get", SIGNED_IN),
    ("password_change", "get", SIGNED_IN),
    ("password_change", "post", SIGNED_IN),
    ("two_factor_setup", "get", SIGNED_IN),
    ("two_factor_verify", "get", SIGNED_IN),
    ("new_backup_codes", "post", SIGNED_IN),
    ("replace_authenticator", "post", SIGNED_IN),
    ("keep_alive", "post", SIGNED_IN),
    ("keep_alive", "get", dict.fromkeys(ALL, "refused")),
    ("invitation", "get", PUBLIC),
    ("password_reset", "get", PUBLIC),
    ("password_reset", "post", PUBLIC),
    ("password_reset_done", "get", PUBLIC),
    ("password_reset_confirm", "get", PUBLIC),
    ("no_role", "get", dict.fromkeys(ALL, "forbidden") | {"anonymous": "login"}),
    ("notice_seen", "post", SUPERVISOR),
    ("healthz", "get", PUBLIC),
    ("imports", "get", IMPORTERS),
    ("import_upload", "get", SUPERVISOR),
    ("import_upload", "post", SUPERVISOR),
    ("import_preview", "get", SUPERVISOR),
    ("import_preview", "post", SUPERVISOR),
    ("import_status", "get", SUPERVISOR),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, expected", MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX])
def test_role_matrix(client_as, notice, batch, persona, name, method, expected):
    response = getattr(client_as(persona), method)(url_of(name, notice, batch))

    assert outcome(response) == expected[persona]
