"""Who may open what: every consultation URL for every persona, then guessed ids and search."""

import pytest
from django.urls import reverse

from kokona.models import AuditEvent, ImportBatch
from kokona.roles import Role
from tests.conftest import https_client, make_user, sign_in, without_tokens
from tests.consultations.factories import make_case, make_client, make_contact

ALL = ["anonymous", "counselor", "other_counselor", "supervisor", "city_staff", "site_manager"]


@pytest.fixture
def restricted(counselor):
    """A restricted case of counselor A (`counselor`): B (`other_counselor`) must not see it."""
    case = make_case(make_client("あおい"), assigned_to=counselor, restricted=True)
    make_contact(case)
    return case


@pytest.fixture
def batch(supervisor):
    return ImportBatch.objects.create(
        kind="consultations",
        filename="past.csv",
        content=b"occurred_at,channel,client\n".hex(),
        uploaded_by=supervisor,
    )


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "login"
    return {403: "forbidden", 404: "hidden"}.get(response.status_code, "ok")


STAFF = {"counselor": "ok", "other_counselor": "ok", "supervisor": "ok"}
RESTRICTED = {"counselor": "ok", "other_counselor": "hidden", "supervisor": "ok"}
SUPERVISOR = {"counselor": "forbidden", "other_counselor": "forbidden", "supervisor": "ok"}

# (name, method, url builder, extra headers, what NPO staff get). Everyone else: anonymous is sent
# to sign in, city staff and site managers get 403.
MATRIX = [
    ("home", "get", lambda c, b: reverse("consultations:home"), STAFF),
    ("recent", "get", lambda c, b: reverse("consultations:recent"), STAFF),
    ("record form", "get", lambda c, b: reverse("consultations:record"), STAFF),
    ("record post", "post", lambda c, b: reverse("consultations:record"), STAFF),
    ("search page", "post", lambda c, b: reverse("consultations:client_search"), STAFF),
    ("search fragment", "htmx-post", lambda c, b: reverse("consultations:client_search"), STAFF),
    (
        "duplicates fragment",
        "htmx-post",
        lambda c, b: reverse("consultations:likely_duplicates"),
        STAFF,
    ),
    (
        "contact page",
        "get",
        lambda c, b: reverse("consultations:contact_detail", args=[c.contacts.unscoped().get().pk]),
        RESTRICTED,
    ),
    (
        "contact take",
        "post",
        lambda c, b: reverse("consultations:contact_take", args=[c.contacts.unscoped().get().pk]),
        RESTRICTED,
    ),
    (
        "contact join",
        "post",
        lambda c, b: reverse("consultations:contact_join", args=[c.contacts.unscoped().get().pk]),
        RESTRICTED,
    ),
    ("case list", "get", lambda c, b: reverse("consultations:case_list"), STAFF),
    ("case list fragment", "htmx", lambda c, b: reverse("consultations:case_list"), STAFF),
    ("case page", "get", lambda c, b: c.get_absolute_url(), RESTRICTED),
    (
        "case panel",
        "htmx",
        lambda c, b: reverse("consultations:case_panel", args=[c.pk, "contact"]),
        RESTRICTED,
    ),
    ("case edit", "get", lambda c, b: reverse("consultations:case_edit", args=[c.pk]), RESTRICTED),
    ("case save", "post", lambda c, b: reverse("consultations:case_edit", args=[c.pk]), RESTRICTED),
    ("status", "post", lambda c, b: reverse("consultations:case_status", args=[c.pk]), RESTRICTED),
    ("assign", "post", lambda c, b: reverse("consultations:case_assign", args=[c.pk]), RESTRICTED),
    (
        "contact",
        "post",
        lambda c, b: reverse("consultations:case_add_contact", args=[c.pk]),
        RESTRICTED,
    ),
    (
        "referral",
        "post",
        lambda c, b: reverse("consultations:case_add_referral", args=[c.pk]),
        RESTRICTED,
    ),
    (
        "activity",
        "post",
        lambda c, b: reverse("consultations:case_add_activity", args=[c.pk]),
        RESTRICTED,
    ),
    (
        "access log",
        "get",
        lambda c, b: reverse("consultations:case_access_log", args=[c.pk]),
        {"counselor": "forbidden", "other_counselor": "forbidden", "supervisor": "ok"},
    ),
    (
        "client page",
        "get",
        lambda c, b: reverse("consultations:client_detail", args=[c.client_id]),
        RESTRICTED,
    ),
    (
        "client edit",
        "get",
        lambda c, b: reverse("consultations:client_edit", args=[c.client_id]),
        RESTRICTED,
    ),
    (
        "client save",
        "post",
        lambda c, b: reverse("consultations:client_edit", args=[c.client_id]),
        RESTRICTED,
    ),
    (
        "client export",
        "post",
        lambda c, b: reverse("consultations:client_export", args=[c.client_id]),
        SUPERVISOR,
    ),
    (
        "import form",
        "get",
        lambda c, b: reverse("import_upload", args=["consultations"]),
        SUPERVISOR,
    ),
    (
        "import upload",
        "post",
        lambda c, b: reverse("import_upload", args=["consultations"]),
        SUPERVISOR,
    ),
    (
        "import preview",
        "get",
        lambda c, b: reverse("import_preview", args=["consultations", b.pk]),
        SUPERVISOR,
    ),
    (
        "import confirm",
        "post",
        lambda c, b: reverse("import_preview", args=["consultations", b.pk]),
        SUPERVISOR,
    ),
    (
        "import status",
        "get",
        lambda c, b: reverse("import_status", args=["consultations", b.pk]),
        SUPERVISOR,
    ),
    (
        "import status fragment",
        "htmx",
        lambda c, b: reverse("import_status", args=["consultations", b.pk]),
        SUPERVISOR,
    ),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name, method, url, staff", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(client_as, restricted, batch, persona, name, method, url, staff):
    client = client_as(persona)
    target = url(restricted, batch)

    if method == "htmx":
        response = client.get(target, headers={"HX-Request": "true"})
    elif method == "htmx-post":
        response = client.post(target, {"q": "あお"}, headers={"HX-Request": "true"})
    else:
        response = getattr(client, method)(target)

    expected = {"anonymous": "login", "city_staff": "forbidden", "site_manager": "forbidden"}
    assert outcome(response) == {**expected, **staff}[persona]


def test_refusals_are_audited(client_as, restricted, other_counselor, city_staff):
    client_as("other_counselor").get(restricted.get_absolute_url())
    client_as("city_staff").get(restricted.get_absolute_url())

    denied = AuditEvent.objects.filter(action="denied")
    assert denied.filter(actor=other_counselor, object_id=str(restricted.pk)).exists()
    assert denied.filter(actor=city_staff).exists()


class TestGuessingAndSearching:
    def test_a_guessed_case_id_looks_the_same_as_a_missing_one(self, client_as, restricted):
        client = client_as("other_counselor")

        hidden = client.get(reverse("consultations:case_detail", args=[restricted.pk]))
        missing = client.get(reverse("consultations:case_detail", args=[restricted.pk + 999]))

        assert hidden.status_code == missing.status_code == 404
        assert without_tokens(hidden) == without_tokens(missing)

    def test_her_other_cases_are_hidden_too(self, client_as, restricted, counselor):
        other_case = make_case(restricted.client, assigned_to=counselor)

        response = client_as("other_counselor").get(other_case.get_absolute_url())

        assert response.status_code == 404

    def test_search_does_not_find_her(self, client_as, restricted):
        restricted.client.phone = "090-1111-2222"
        restricted.client.save()
        visible = make_client("あおば")
        client = client_as("other_counselor")

        url = reverse("consultations:client_search")
        htmx = {"HX-Request": "true"}
        by_name = client.post(url, {"q": "あお"}, headers=htmx)
        by_phone = client.post(url, {"q": "09011112222"}, headers=htmx)
        by_code = client.post(url, {"q": restricted.client.code}, headers=htmx)
        links = client.post(url, {"q": "あお", "as": "links"}, headers=htmx)
        page = client.post(url, {"q": "あお"})

        assert f'value="{visible.pk}"' in by_name.content.decode()
        assert visible.get_absolute_url() in links.content.decode()
        assert visible.get_absolute_url() in page.content.decode()
        for response in (by_name, by_phone, by_code, links, page):
            assert f'value="{restricted.client_id}"' not in response.content.decode()
            assert restricted.client.get_absolute_url() not in response.content.decode()

    def test_her_counselor_finds_her_by_phone(self, client_as, restricted):
        restricted.client.phone = "090-1111-2222"
        restricted.client.save()

        response = client_as("counselor").post(
            reverse("consultations:client_search"),
            {"q": "０９０ １１１１ ２２２２"},
            headers={"HX-Request": "true"},
        )

        assert f'value="{restricted.client_id}"' in response.content.decode()

    def test_the_case_list_and_its_filters_leave_her_out(self, client_as, restricted):
        client = client_as("other_counselor")

        for query in [
            "",
            "?status=all",
            "?overdue=on",
        ]:
            response = client.get(reverse("consultations:case_list") + query)
            assert response.status_code == 200
            assert restricted.get_absolute_url() not in response.content.decode(), query

    def test_the_quick_form_refuses_her_id(self, client_as, restricted):
        response = client_as("other_counselor").post(
            reverse("consultations:record"),
            {"client": str(restricted.client_id), "channel": "1", "summary": "x"},
        )

        # The same answer as a guessed URL (security.md #28), not a form error.
        assert response.status_code == 404
        assert restricted.client.contacts.unscoped().count() == 1

    def test_a_supervisor_sees_restricted_cases(self, client_as, restricted):
        response = client_as("supervisor").get(reverse("consultations:case_list"))

        assert restricted.get_absolute_url() in response.content.decode()


def test_an_import_preview_belongs_to_its_uploader(batch):
    other = sign_in(https_client(), make_user("second", Role.SUPERVISOR, staff=True))

    assert other.get(reverse("import_preview", args=["consultations", batch.pk])).status_code == 404
