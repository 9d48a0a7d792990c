"""No write reaches a case, a woman or a record hidden from the person writing (security.md #28).

An attacker was able to post 相談を記録 for a woman she could see (through a closed case of her
own) and have the contact, a referral to the police and a follow-up date written into the woman's
restricted case of another counselor. These tests post to every write URL with the ids of a
hidden case in every parameter.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from consultations.imports import client_ref
from consultations.models import Case, CaseStatusChange, Client, Contact, Referral, SupportActivity
from kokona.models import AuditEvent, Notice
from tests.consultations.factories import agency, make_case, make_client, make_contact, vocabulary


@pytest.fixture
def hidden(counselor):
    """A woman with an open restricted case in the charge of `counselor` (A)."""
    case = make_case(
        make_client("りん", line_id="rin_1999"), assigned_to=counselor, restricted=True
    )
    make_contact(case)
    return case


def state(case: Case) -> tuple:
    """Everything a write could change about the hidden case, read afresh."""
    case = Case.objects.unscoped().get(pk=case.pk)
    return (
        case.version,
        case.status,
        case.follow_up_due,
        case.assigned_to_id,
        case.primary_concern_id,
        case.restricted,
        sorted(case.categories.values_list("pk", flat=True)),
        case.contacts.unscoped().count(),
        case.referrals.unscoped().count(),
        case.activities.unscoped().count(),
        case.status_changes.unscoped().count(),
        Client.objects.unscoped().get(pk=case.client_id).version,
    )


def totals() -> tuple:
    return tuple(
        model.objects.unscoped().count()
        for model in (Client, Case, Contact, Referral, SupportActivity, CaseStatusChange)
    )


def quick_form(**fields: object) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "client": "new",
        "channel": vocabulary("Channel", "line").pk,
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "categories": [vocabulary("ConcernCategory", "dv").pk],
        "urgency": "urgent",
        "summary": "同じ人からの相談",
        "follow_up_due": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "agency": agency("釧路警察署").pk,
        "stage": "informed",
        **fields,
    }


def test_a_contact_for_her_never_lands_in_her_hidden_case(client_as, hidden, other_counselor):
    # B (other_counselor) once had a case of hers, now closed: B sees the woman, not the case.
    make_case(
        hidden.client,
        assigned_to=other_counselor,
        status=Case.Status.CLOSED,
        opened_on=dt.date(2025, 4, 1),
        closed_on=dt.date(2025, 6, 1),
    )
    before = state(hidden)

    response = client_as("other_counselor").post(
        reverse("consultations:record"), quick_form(client=str(hidden.client_id))
    )

    assert state(hidden) == before
    new_case = Case.objects.unscoped().exclude(pk=hidden.pk).get(status=Case.Status.RECEIVED)
    assert response.status_code == 302
    assert response["Location"] == new_case.get_absolute_url()
    assert str(hidden.pk) not in response["Location"]
    assert new_case.assigned_to == other_counselor
    assert new_case.contacts.unscoped().count() == 1
    assert new_case.referrals.unscoped().get().agency.name == "釧路警察署"


def test_supervisors_are_told_quietly_of_the_second_open_case(client_as, hidden, other_counselor):
    make_case(
        hidden.client,
        assigned_to=other_counselor,
        status=Case.Status.CLOSED,
        opened_on=dt.date(2025, 4, 1),
        closed_on=dt.date(2025, 6, 1),
    )

    response = client_as("other_counselor").post(
        reverse("consultations:record"), quick_form(client=str(hidden.client_id)), follow=True
    )

    notice = Notice.objects.get()
    assert hidden.client.code in notice.text and f"#{hidden.pk}" in notice.text
    assert "mizuki" in notice.text
    assert f"#{hidden.pk}" not in response.content.decode()
    supervisor_home = client_as("supervisor").get(reverse("consultations:home"))
    assert notice.text in supervisor_home.content.decode()
    counselor_home = client_as("other_counselor").get(reverse("consultations:home"))
    assert notice.text not in counselor_home.content.decode()


CASE_WRITES = [
    ("consultations:case_edit", {"risk": "crisis", "follow_up_due": "2030-01-01", "version": 1}),
    ("consultations:case_status", {"to": "closed", "reason": "終結", "version": 1}),
    ("consultations:case_assign", {"assigned_to": "", "version": 1}),
    ("consultations:case_add_contact", {"summary": "書き込み", "urgency": "normal"}),
    ("consultations:case_add_referral", {"stage": "informed", "referred_on": "2026-11-01"}),
    ("consultations:case_add_activity", {"kind": "visit", "done_on": "2026-11-01"}),
]


@pytest.mark.parametrize("url_name, data", CASE_WRITES, ids=[w[0] for w in CASE_WRITES])
def test_every_case_write_with_her_hidden_case_id_is_404(
    client_as, hidden, other_counselor, url_name, data
):
    data = {
        **data,
        "channel": vocabulary("Channel", "line").pk,
        "occurred_at": "2026-11-01T10:00",
        "agency": agency("釧路警察署").pk,
        "assigned_to": other_counselor.pk,
    }
    before, counts = state(hidden), totals()

    response = client_as("other_counselor").post(reverse(url_name, args=[hidden.pk]), data)

    assert response.status_code == 404
    assert state(hidden) == before
    assert totals() == counts
    assert AuditEvent.objects.filter(
        actor=other_counselor, action="denied", object_id=str(hidden.pk)
    ).exists()


@pytest.mark.parametrize("url_name", ["consultations:client_edit", "consultations:client_export"])
def test_every_client_write_with_her_id_is_404(client_as, hidden, url_name):
    before, counts = state(hidden), totals()

    response = client_as("other_counselor").post(
        reverse(url_name, args=[hidden.client_id]), {"nickname": "上書き", "version": 1}
    )

    assert response.status_code in (403, 404)  # the export is for supervisors only
    assert state(hidden) == before
    assert Client.objects.unscoped().get(pk=hidden.client_id).nickname == "りん"
    assert totals() == counts


def test_the_quick_form_with_her_hidden_id_is_404(client_as, hidden, other_counselor):
    before, counts = state(hidden), totals()

    response = client_as("other_counselor").post(
        reverse("consultations:record"), quick_form(client=str(hidden.client_id))
    )

    assert response.status_code == 404
    assert state(hidden) == before
    assert totals() == counts
    assert AuditEvent.objects.filter(
        actor=other_counselor, action="denied", object_id=str(hidden.client_id)
    ).exists()


@pytest.mark.parametrize("url_name", [w[0] for w in CASE_WRITES])
def test_her_ids_posted_beside_a_visible_case_change_nothing_of_hers(
    client_as, hidden, other_counselor, url_name
):
    mine = make_case(make_client("ちか"), assigned_to=other_counselor)
    data = {
        **dict(CASE_WRITES)[url_name],
        "case": hidden.pk,
        "client": hidden.client_id,
        "contact": hidden.contacts.unscoped().get().pk,
        "channel": vocabulary("Channel", "line").pk,
        "occurred_at": "2026-11-01T10:00",
        "agency": agency("釧路警察署").pk,
        "version": mine.version,
    }
    before = state(hidden)

    client_as("other_counselor").post(reverse(url_name, args=[mine.pk]), data)

    assert state(hidden) == before


def test_registering_a_hidden_womans_handle_tells_a_supervisor_only(
    client_as, hidden, other_counselor
):
    response = client_as("other_counselor").post(
        reverse("consultations:record"),
        quick_form(
            nickname="リン",
            handle_kind="line",
            handle="rin_1999",
            agency="",
            follow_up_due="",
        ),
    )

    new = Client.objects.unscoped().get(nickname="リン")
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert new.code in notice.text and hidden.client.code in notice.text
    assert notice.object_id == str(new.pk)
    page = client_as("other_counselor").get(response["Location"]).content.decode()
    assert hidden.client.code not in page


def test_a_visible_match_warns_the_counselor_instead(client_as, hidden):
    client_as("counselor").post(
        reverse("consultations:record"),
        quick_form(nickname="別の人", handle_kind="line", handle="rin_1999", agency=""),
    )

    assert not Notice.objects.exists()


def test_a_supervisor_marks_a_notice_seen_and_a_counselor_cannot(client_as, hidden, supervisor):
    client_as("other_counselor").post(
        reverse("consultations:record"),
        quick_form(nickname="リン", handle_kind="line", handle="rin_1999", agency=""),
    )
    notice = Notice.objects.get()
    url = reverse("notice_seen", args=[notice.pk])

    assert client_as("counselor").post(url).status_code == 403
    assert client_as("supervisor").post(url).status_code == 302

    notice.refresh_from_db()
    assert notice.seen_by == supervisor
    home = client_as("supervisor").get(reverse("consultations:home")).content.decode()
    assert notice.text not in home


def test_an_import_under_a_counselor_refuses_a_woman_hidden_from_her(
    tmp_path, hidden, other_counselor
):
    Client.objects.unscoped().filter(pk=hidden.client_id).update(import_ref=client_ref("R3-009"))
    path = tmp_path / "past.csv"
    path.write_text(
        "occurred_at,channel,client,summary\n2021-04-05 21:30,LINE,R3-009,眠れない\n",
        encoding="utf-8",
    )
    before, counts = state(hidden), totals()

    with pytest.raises(CommandError) as refused:
        call_command("import_consultations", str(path), "--as", "mizuki", stdout=io.StringIO())

    assert "2" in str(refused.value) and "相談者" in str(refused.value)
    assert state(hidden) == before
    assert totals() == counts
