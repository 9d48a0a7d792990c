"""Who may open what: every 居場所 URL, GET and POST and htmx fragments, for every persona; and a
woman hidden from a counselor is neither found nor listed."""

import pytest
from django.urls import reverse

from ibasho.models import Attendance
from kokona.models import AuditEvent
from tests.consultations.factories import make_case, make_client
from tests.ibasho.factories import attend, make_session

ALL = ["anonymous", "counselor", "other_counselor", "supervisor", "city_staff", "site_manager"]


@pytest.fixture
def world(counselor):
    """A session with a woman whose case is restricted to `counselor`, and one seen by all."""
    session = make_session("salon_childcare", capacity=10, childcare_places=3)
    hidden = make_client("あおい")
    make_case(hidden, assigned_to=counselor, restricted=True)
    seen = make_client("あおば")
    make_case(seen, assigned_to=counselor)
    return {
        "session": session,
        "hidden": attend(session, hidden),
        "seen": attend(session, seen),
    }


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {403: "forbidden", 404: "hidden", 400: "ok", 409: "ok"}.get(response.status_code, "ok")


STAFF = {"counselor": "ok", "other_counselor": "ok", "supervisor": "ok"}
HIDDEN_ROW = {"counselor": "ok", "other_counselor": "hidden", "supervisor": "ok"}


def s(w):
    return w["session"].pk


# (name, method, url builder, what NPO staff get). Everyone else: anonymous is sent to sign in,
# city staff and site managers get 403.
MATRIX = [
    ("calendar", "get", lambda w: reverse("ibasho:home"), STAFF),
    ("month", "get", lambda w: reverse("ibasho:month", args=[2026, 11]), STAFF),
    ("week", "get", lambda w: reverse("ibasho:week", args=[2026, 11, 12]), STAFF),
    ("list", "get", lambda w: reverse("ibasho:session_list"), STAFF),
    ("appointments", "get", lambda w: reverse("ibasho:appointments"), STAFF),
    ("new form", "get", lambda w: reverse("ibasho:session_new"), STAFF),
    ("new post", "post", lambda w: reverse("ibasho:session_new"), STAFF),
    ("session", "get", lambda w: reverse("ibasho:session_detail", args=[s(w)]), STAFF),
    ("edit form", "get", lambda w: reverse("ibasho:session_edit", args=[s(w)]), STAFF),
    ("edit post", "post", lambda w: reverse("ibasho:session_edit", args=[s(w)]), STAFF),
    ("cancel", "post", lambda w: reverse("ibasho:session_cancel", args=[s(w)]), STAFF),
    ("reinstate", "post", lambda w: reverse("ibasho:session_reinstate", args=[s(w)]), STAFF),
    ("survey form", "get", lambda w: reverse("ibasho:survey", args=[s(w)]), STAFF),
    ("survey post", "post", lambda w: reverse("ibasho:survey", args=[s(w)]), STAFF),
    ("find fragment", "htmx-post", lambda w: reverse("ibasho:find", args=[s(w)]), STAFF),
    ("find page", "post", lambda w: reverse("ibasho:find", args=[s(w)]), STAFF),
    ("add", "post", lambda w: reverse("ibasho:attendance_add", args=[s(w)]), STAFF),
    ("head count", "post", lambda w: reverse("ibasho:head_count", args=[s(w)]), STAFF),
    (
        "head count fragment",
        "htmx-post",
        lambda w: reverse("ibasho:head_count", args=[s(w)]),
        STAFF,
    ),
    (
        "change a seen row",
        "post",
        lambda w: reverse("ibasho:attendance_change", args=[w["seen"].pk]),
        STAFF,
    ),
    (
        "change a hidden row",
        "post",
        lambda w: reverse("ibasho:attendance_change", args=[w["hidden"].pk]),
        HIDDEN_ROW,
    ),
    (
        "import form",
        "get",
        lambda w: reverse("import_upload", args=["sessions"]),
        {"counselor": "forbidden", "other_counselor": "forbidden", "supervisor": "ok"},
    ),
    (
        "import upload",
        "post",
        lambda w: reverse("import_upload", args=["sessions"]),
        {"counselor": "forbidden", "other_counselor": "forbidden", "supervisor": "ok"},
    ),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, url, staff", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(client_as, world, persona, name, method, url, staff):
    client = client_as(persona)
    target = url(world)

    if method == "htmx-post":
        response = client.post(
            target, {"q": "あお", "step": "anonymous_count:1"}, headers={"HX-Request": "true"}
        )
    else:
        response = getattr(client, method)(target)

    expected = {"anonymous": "login", "city_staff": "forbidden", "site_manager": "forbidden"}
    assert outcome(response) == {**expected, **staff}[persona]


def test_refused_personas_change_nothing(client_as, world):
    session = world["session"]
    for persona in ["anonymous", "city_staff", "site_manager"]:
        client = client_as(persona)
        client.post(reverse("ibasho:head_count", args=[session.pk]), {"step": "anonymous_count:1"})
        client.post(reverse("ibasho:session_cancel", args=[session.pk]), {"scope": "this"})
        client.post(
            reverse("ibasho:attendance_change", args=[world["seen"].pk]), {"status": "absent"}
        )

    session.refresh_from_db()
    assert session.anonymous_count == 0 and not session.cancelled
    assert Attendance.objects.unscoped().get(pk=world["seen"].pk).status == "attended"
    assert AuditEvent.objects.filter(action="denied").count() >= 6


class TestTheHiddenWoman:
    def test_she_is_not_listed_for_another_counselor(self, client_as, world):
        html = (
            client_as("other_counselor").get(world["session"].get_absolute_url()).content.decode()
        )

        assert "あおば" in html
        assert "あおい" not in html
        assert world["hidden"].client.code not in html

    def test_her_counselor_and_the_supervisor_see_her(self, client_as, world):
        for persona in ["counselor", "supervisor"]:
            html = client_as(persona).get(world["session"].get_absolute_url()).content.decode()
            assert "あおい" in html, persona

    def test_search_does_not_find_her(self, client_as, world, counselor):
        other = make_session(day=world["session"].date.replace(day=19))
        hidden = world["hidden"].client
        url = reverse("ibasho:find", args=[other.pk])

        for query in ["あお", hidden.code, str(hidden.pk)]:
            html = (
                client_as("other_counselor")
                .post(url, {"q": query}, headers={"HX-Request": "true"})
                .content.decode()
            )
            assert f'value="{hidden.pk}"' not in html, query
        found = client_as("counselor").post(url, {"q": "あお"}, headers={"HX-Request": "true"})
        assert f'value="{hidden.pk}"' in found.content.decode()

    def test_adding_her_by_a_guessed_id_answers_404_and_writes_nothing(self, client_as, world):
        other = make_session(day=world["session"].date.replace(day=19))
        hidden = world["hidden"].client

        response = client_as("other_counselor").post(
            reverse("ibasho:attendance_add", args=[other.pk]),
            {"client": hidden.pk, "status": "attended", "role": "participant", "children": 0},
        )

        assert response.status_code == 404
        assert not Attendance.objects.unscoped().filter(session=other).exists()
        assert AuditEvent.objects.filter(action="denied", object_id=str(hidden.pk)).exists()

    def test_the_page_read_is_audited_row_by_row(
        self, client_as, world, counselor, other_counselor
    ):
        client_as("other_counselor").get(world["session"].get_absolute_url())

        viewed = AuditEvent.objects.filter(action="view", object_type="ibasho.attendance")
        assert set(viewed.values_list("object_id", flat=True)) == {str(world["seen"].pk)}
        assert viewed.get().actor == other_counselor
