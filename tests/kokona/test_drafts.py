"""Nothing typed is lost at the idle sign-out: a form posted after the timeout is kept for the
person who was signed in, encrypted, and back in the form after she signs in again (issue 8.1)."""

import datetime as dt
import json

import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from kokona.models import AuditEvent, Draft
from tests.conftest import PASSWORD, sign_in
from tests.consultations.factories import make_case, make_client

RECORD = "/consultations/record/"
WRITE_UP = "夜に不安で眠れない、と話してくれた。明日また連絡する。"
TIMEOUT = dt.timedelta(minutes=31)


def _posted_after_timeout(client, user, data=None):  # type: ignore[no-untyped-def]
    sign_in(client, user)
    assert client.get(RECORD).status_code == 200  # the page she keeps open
    with time_machine.travel(TIMEOUT):
        return client.post(RECORD, data or {"summary": WRITE_UP, "channel": "line"})


def _restored(response) -> dict:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    if 'id="kokona-draft"' not in html:
        return {}
    start = html.index('id="kokona-draft"')
    blob = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(blob)["fields"]


def test_a_form_posted_after_the_timeout_is_kept_and_back_after_signing_in(client, counselor):
    response = _posted_after_timeout(client, counselor)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={RECORD}"
    draft = Draft.objects.get()
    assert (draft.user, draft.path) == (counselor, RECORD)
    kept = AuditEvent.objects.get(object_type="kokona.draft", action=AuditEvent.Action.CREATE)
    assert kept.username == counselor.username and kept.actor is None
    assert "summary" in kept.detail["fields"]
    assert WRITE_UP not in json.dumps(kept.detail)

    with time_machine.travel(TIMEOUT + dt.timedelta(minutes=2)):
        sign_in(client, counselor)
        page = client.get(RECORD)

    assert _restored(page) == {"summary": [WRITE_UP], "channel": ["line"]}
    assert "入力していた内容を" in page.content.decode()
    assert not Draft.objects.exists()  # handed over, then gone
    assert AuditEvent.objects.filter(
        object_type="kokona.draft", action=AuditEvent.Action.VIEW, actor=counselor
    ).exists()
    # Once only.
    assert _restored(client.get(RECORD)) == {}


def test_the_text_is_stored_encrypted(client, counselor):
    _posted_after_timeout(client, counselor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT fields FROM kokona_draft")
        (raw,) = cursor.fetchone()
    assert WRITE_UP not in raw and "summary" not in raw
    assert WRITE_UP in Draft.objects.get().fields


def test_another_user_signing_in_on_the_same_browser_never_sees_it(
    client, counselor, other_counselor
):
    _posted_after_timeout(client, counselor)

    with time_machine.travel(TIMEOUT + dt.timedelta(minutes=2)):
        sign_in(client, other_counselor)
        page = client.get(RECORD)
        again = client.get(RECORD)

    assert page.status_code == 200
    assert WRITE_UP not in page.content.decode() and _restored(page) == {}
    assert _restored(again) == {}
    assert Draft.objects.get().user == counselor  # hers, until it expires


def test_a_post_after_signing_out_is_not_kept(client, counselor):
    sign_in(client, counselor)
    client.get(RECORD)
    client.post(reverse("logout"))

    response = client.post(RECORD, {"summary": WRITE_UP})

    assert response["Location"].startswith(reverse("login"))
    assert not Draft.objects.exists()


def test_a_browser_nobody_signed_in_on_keeps_nothing(client, db):
    response = client.post(RECORD, {"summary": WRITE_UP})

    assert response["Location"].startswith(reverse("login"))
    assert not Draft.objects.exists()


def test_a_forged_marker_keeps_nothing(client, counselor):
    client.cookies["__Host-kokona_signed_in_as"] = str(counselor.pk)

    client.post(RECORD, {"summary": WRITE_UP})

    assert not Draft.objects.exists()


def test_neither_the_csrf_token_nor_a_password_is_kept(client, counselor):
    _posted_after_timeout(
        client,
        counselor,
        {"summary": WRITE_UP, "csrfmiddlewaretoken": "x" * 64, "new_password1": PASSWORD},
    )

    assert set(json.loads(Draft.objects.get().fields)["fields"]) == {"summary"}


def test_a_form_nobody_came_back_for_expires(client, counselor, settings):
    _posted_after_timeout(client, counselor)

    with time_machine.travel(settings.DRAFT_LIFETIME + dt.timedelta(hours=1)):
        call_command("purge_drafts", verbosity=0)
        assert not Draft.objects.exists()


def test_an_expired_form_is_not_put_back(client, counselor, settings):
    _posted_after_timeout(client, counselor)

    with time_machine.travel(settings.DRAFT_LIFETIME + dt.timedelta(hours=1)):
        sign_in(client, counselor)
        assert _restored(client.get(RECORD)) == {}
    assert not Draft.objects.exists()


def test_a_form_sent_as_the_working_day_ends_is_kept_too(client, counselor):
    sign_in(client, counselor)
    for minutes in range(20, 10 * 60, 20):
        with time_machine.travel(dt.timedelta(minutes=minutes)):
            client.get(RECORD)

    with time_machine.travel(dt.timedelta(hours=10, minutes=5)):
        response = client.post(RECORD, {"summary": WRITE_UP})
        assert response["Location"].startswith(reverse("login"))
        sign_in(client, counselor)
        assert _restored(client.get(RECORD)) == {"summary": [WRITE_UP]}


def test_a_form_posting_elsewhere_goes_back_to_the_page_it_was_on(client, counselor):
    case = make_case(make_client("ちか"), assigned_to=counselor)
    page, action = (
        case.get_absolute_url(),
        reverse("consultations:case_add_contact", args=[case.pk]),
    )
    sign_in(client, counselor)
    client.get(page)

    with time_machine.travel(TIMEOUT):
        response = client.post(
            action, {"summary": WRITE_UP}, HTTP_REFERER=f"https://testserver{page}"
        )
        assert response["Location"] == f"{reverse('login')}?next={page}"
        sign_in(client, counselor)
        restored = client.get(page)

    html = restored.content.decode()
    blob = json.loads(html[html.index('id="kokona-draft"') :].split(">", 1)[1].split("<", 1)[0])
    assert blob == {"action": action, "fields": {"summary": [WRITE_UP]}}
    # The case page builds a panel's form only when it is open: the kept one's panel is.
    assert f'action="{action}"' in html
    assert restored.context["open_panel"] == "contact"


def test_a_referer_from_another_site_is_not_followed(client, counselor):
    sign_in(client, counselor)
    client.get(RECORD)

    with time_machine.travel(TIMEOUT):
        response = client.post(
            RECORD, {"summary": WRITE_UP}, HTTP_REFERER="https://elsewhere.example/x/"
        )

    assert response["Location"] == f"{reverse('login')}?next={RECORD}"
    assert Draft.objects.get().path == RECORD
