"""LINE intake and replies: signatures, redelivery, follow/unfollow, text/sticker/image, the fiscal
year of a message sent at 00:30 on 1 April, and replies sent to a fake LINE server on loopback."""

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Case, Client, Contact, LineAccount, LineEvent, LineReply
from kokona.fiscal import fiscal_year
from tests.conftest import load_reference_data
from tests.reach.fake_line import fake_line_server

pytestmark = pytest.mark.django_db
SECRET = "test-channel-secret"
JST = ZoneInfo("Asia/Tokyo")
USER = "U4af4980629000000000000000000abcd"
WEBHOOK = "/line/webhook"


@pytest.fixture(autouse=True)
def line_settings(settings):
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-access-token"
    settings.LINE_RETRY_DELAYS = [0, 0]


@pytest.fixture
def always_open():
    from consultations.models import ReachSettings

    ReachSettings(
        opens_at=dt.time(0, 0), closes_at=dt.time(23, 59, 59), open_on_weekends=True
    ).save()


def event(kind="message", *, event_id="01HXEVENT0001", user=USER, at=None, message=None):
    at = at or dt.datetime(2022, 6, 1, 15, 0, tzinfo=JST)
    body = {
        "type": kind,
        "mode": "active",
        "timestamp": int(at.timestamp() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
    }
    if kind in ("message", "follow"):
        body["replyToken"] = "reply-token"
    if kind == "message":
        body["message"] = message or {
            "id": "1",
            "type": "text",
            "text": "こんばんは。相談したいです。",
            "quoteToken": "q",
        }
    if kind == "follow":
        body["follow"] = {"isUnblocked": False}
    return body


def post(client, events, *, secret=SECRET, signature=None):
    body = json.dumps({"destination": "Uxxxxxxxx", "events": events}).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    headers = {}
    if signature is not False:
        headers["X-Line-Signature"] = signature or base64.b64encode(digest).decode()
    return client.post(WEBHOOK, body, content_type="application/json", headers=headers)


committing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(transactional_db):
    """The worker commits and uses connections of its own: these tests commit too, and start
    from the roles and vocabularies the last committing test emptied."""
    load_reference_data()


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def test_a_signed_message_becomes_a_line_contact_on_a_new_unassigned_case(client, always_open):
    response = post(client, [event()])

    assert response.status_code == 200
    contact = Contact.objects.unscoped().get()
    assert contact.channel.code == "line" and contact.direction == "in"
    assert contact.summary == "こんばんは。相談したいです。"
    assert contact.case.assigned_to is None and contact.case.status == Case.Status.RECEIVED
    account = LineAccount.objects.unscoped().get()
    assert account.user_id == USER and account.client == contact.client
    assert USER not in account.user_hash


@pytest.mark.parametrize("signature", ["bm90LXRoZS1yaWdodC1vbmU=", False], ids=["bad", "missing"])
def test_a_bad_or_missing_signature_gets_400_and_stores_nothing(client, signature):
    response = post(client, [event()], signature=signature)

    assert response.status_code == 400
    assert LineEvent.objects.unscoped().count() == 0
    assert Contact.objects.unscoped().count() == 0


def test_a_body_signed_with_another_secret_is_refused(client):
    assert post(client, [event()], secret="someone-else").status_code == 400
    assert Client.objects.unscoped().count() == 0


def test_a_redelivered_event_is_stored_once(client, always_open):
    post(client, [event()])
    again = event()
    again["deliveryContext"]["isRedelivery"] = True
    assert post(client, [again]).status_code == 200

    assert LineEvent.objects.unscoped().count() == 1
    assert Contact.objects.unscoped().count() == 1


def test_her_next_messages_join_her_open_case(client, always_open):
    post(client, [event(event_id="E1")])
    post(
        client,
        [
            event(
                event_id="E2",
                message={"id": "2", "type": "text", "text": "続きです", "quoteToken": "q"},
            )
        ],
    )

    assert Client.objects.unscoped().count() == 1
    assert Case.objects.unscoped().count() == 1
    assert Contact.objects.unscoped().count() == 2


def test_stickers_and_images_are_recorded_as_such(client, always_open):
    sticker = {
        "id": "3",
        "type": "sticker",
        "packageId": "1",
        "stickerId": "1",
        "stickerResourceType": "STATIC",
        "quoteToken": "q",
    }
    image = {"id": "4", "type": "image", "contentProvider": {"type": "line"}, "quoteToken": "q"}
    post(client, [event(event_id="S", message=sticker), event(event_id="I", message=image)])

    summaries = set(Contact.objects.unscoped().values_list("summary", flat=True))
    assert summaries == {
        "［スタンプが送られました］",
        "［画像が送られました：LINEアプリで確認してください］",
    }


def test_follow_and_unfollow_are_counted(client, always_open):
    post(client, [event("follow", event_id="F1")])
    post(client, [event(event_id="M1")])
    post(client, [event("unfollow", event_id="U1")])

    kinds = sorted(LineEvent.objects.unscoped().values_list("kind", flat=True))
    assert kinds == ["follow", "message", "unfollow"]
    assert LineAccount.objects.unscoped().get().following is False
    assert Contact.objects.unscoped().count() == 1  # a follow is not a consultation


def test_a_message_at_half_past_midnight_on_1_april_counts_in_the_new_fiscal_year(
    client, always_open
):
    at = dt.datetime(2023, 4, 1, 0, 30, tzinfo=JST)
    post(client, [event(at=at)])

    contact = Contact.objects.unscoped().get()
    assert contact.occurred_at == at
    assert fiscal_year(contact.occurred_at) == 2023


@committing
def test_out_of_hours_she_gets_the_auto_reply_with_the_emergency_numbers_once(
    reference_data, client, settings
):
    from consultations.models import ReachSettings

    ReachSettings(opens_at=dt.time(0, 0), closes_at=dt.time(0, 0, 1)).save()  # always closed
    with fake_line_server() as fake:
        settings.LINE_API_HOST = fake.url
        post(client, [event(event_id="A1")])
        post(client, [event(event_id="A2")])
        run_worker()

    assert len(fake.pushes) == 1
    text = fake.pushes[0]["body"]["messages"][0]["text"]
    assert "#8008" in text and "0120-279-889" in text
    assert fake.pushes[0]["body"]["to"] == USER
    auto = Contact.objects.unscoped().get(direction="out")
    assert auto.counselor is None and auto.line_reply.status == LineReply.Status.SENT


@committing
def test_a_counselors_reply_is_sent_to_line_and_recorded(
    reference_data, client, client_as, counselor, always_open, settings
):
    post(client, [event()])
    case = Case.objects.unscoped().get()
    case.assigned_to = counselor
    case.save(update_fields=["assigned_to"])
    with fake_line_server() as fake:
        settings.LINE_API_HOST = fake.url
        response = client_as("counselor").post(
            reverse("consultations:line_reply", args=[case.pk]), {"text": "お返事します。"}
        )
        assert response.status_code == 302
        run_worker()

    [push] = fake.pushes
    assert push["body"] == {
        "to": USER,
        "messages": [{"type": "text", "text": "お返事します。"}],
        "notificationDisabled": False,
    }
    assert push["authorization"] == "Bearer test-access-token"
    assert push["retry_key"]
    reply = Contact.objects.unscoped().get(direction="out")
    assert (reply.counselor, reply.summary, reply.case) == (counselor, "お返事します。", case)
    assert reply.line_reply.status == LineReply.Status.SENT


@committing
def test_a_reply_line_refuses_is_retried_then_shown_failed_and_sent_again(
    reference_data, client, client_as, counselor, always_open, settings
):
    post(client, [event()])
    case = Case.objects.unscoped().get()
    case.assigned_to = counselor
    case.save(update_fields=["assigned_to"])
    counselor_client = client_as("counselor")
    with fake_line_server() as fake:
        settings.LINE_API_HOST = fake.url
        fake.statuses = [500, 500, 500]
        counselor_client.post(
            reverse("consultations:line_reply", args=[case.pk]), {"text": "届きますか"}
        )
        run_worker()
        assert len(fake.pushes) == 3  # the first attempt and the two retries
        reply = LineReply.objects.unscoped().get()
        assert reply.status == LineReply.Status.FAILED and reply.error == "HTTP 500"
        page = counselor_client.get(case.get_absolute_url()).content.decode()
        assert (
            "未送信" in page and reverse("consultations:line_reply_retry", args=[reply.pk]) in page
        )

        counselor_client.post(reverse("consultations:line_reply_retry", args=[reply.pk]))
        run_worker()

    assert len(fake.pushes) == 4
    assert LineReply.objects.unscoped().get().status == LineReply.Status.SENT
    assert (
        Contact.objects.unscoped().filter(direction="out").count() == 1
    )  # nothing lost, nothing doubled


def test_another_counselor_cannot_retry_a_reply_on_a_case_hidden_from_her(
    client, client_as, counselor, other_counselor, always_open
):
    post(client, [event()])
    case = Case.objects.unscoped().get()
    case.assigned_to, case.restricted = counselor, True
    case.save(update_fields=["assigned_to", "restricted"])
    contact = Contact.objects.unscoped().get()
    reply = LineReply.objects.create(contact=contact, status=LineReply.Status.FAILED)

    response = client_as("other_counselor").post(
        reverse("consultations:line_reply_retry", args=[reply.pk])
    )

    assert response.status_code == 404
    assert LineReply.objects.unscoped().get().status == LineReply.Status.FAILED


def test_her_export_holds_her_line_user_id(client, supervisor, always_open):
    from consultations import export

    post(client, [event()])
    woman = Client.objects.unscoped().get()

    data = export.client_export(woman, supervisor)

    assert [row["user_id"] for row in data["line_account"]] == [USER]
    assert "user_hash" not in data["line_account"][0]
