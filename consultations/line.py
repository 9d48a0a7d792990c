"""Our one door to LINE's Messaging API, through LINE's own SDK (line-bot-sdk v3).

The webhook's signature is checked by the SDK with LINE_CHANNEL_SECRET; replies go out through
the push API with LINE_CHANNEL_ACCESS_TOKEN, to LINE_API_HOST (a setting, so tests talk to a fake
LINE server on loopback). Nothing else in kokona imports the SDK.
"""

import datetime as dt
from dataclasses import dataclass

import urllib3
from django.conf import settings
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
)


class BadSignature(Exception):
    """The body was not signed with our channel secret: not from LINE."""


class SendFailed(Exception):
    """LINE did not take the message; `reason` is its status, never the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Incoming:
    """One webhook event, as kokona needs it."""

    event_id: str
    kind: str  # "message", "follow", "unfollow" or "other" (LineEvent.Kind)
    user_id: str
    occurred_at: dt.datetime
    text: str = ""
    message_type: str = ""  # "text", "sticker", "image" or another of LINE's types


def _moment(milliseconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC)


def parse(body: str, signature: str | None) -> list[Incoming]:
    """The events of a webhook body, once its X-Line-Signature proves LINE sent it."""
    secret = settings.LINE_CHANNEL_SECRET
    if not secret or not signature:
        raise BadSignature
    try:
        events = WebhookParser(secret).parse(body, signature)
    except InvalidSignatureError as error:
        raise BadSignature from error
    found = []
    for event in events:
        event_id = getattr(event, "webhook_event_id", None)
        if not event_id:
            continue
        source = getattr(event, "source", None)
        user_id = getattr(source, "user_id", None) or ""
        occurred_at = _moment(event.timestamp)
        if isinstance(event, MessageEvent):
            message = event.message
            if isinstance(message, TextMessageContent):
                kind, text = "text", message.text
            elif isinstance(message, StickerMessageContent):
                kind, text = "sticker", ""
            elif isinstance(message, ImageMessageContent):
                kind, text = "image", ""
            else:
                kind, text = str(getattr(message, "type", "other")), ""
            found.append(Incoming(event_id, "message", user_id, occurred_at, text, kind))
        elif isinstance(event, FollowEvent):
            found.append(Incoming(event_id, "follow", user_id, occurred_at))
        elif isinstance(event, UnfollowEvent):
            found.append(Incoming(event_id, "unfollow", user_id, occurred_at))
        else:
            found.append(Incoming(event_id, "other", user_id, occurred_at))
    return found


def push_text(user_id: str, text: str, *, retry_key: str) -> None:
    """Send `text` to her through the push API. The retry key makes a resend after a timeout
    arrive once. Raises SendFailed when LINE refuses or cannot be reached."""
    configuration = Configuration(access_token=settings.LINE_CHANNEL_ACCESS_TOKEN)
    try:
        with ApiClient(configuration) as client:
            api = MessagingApi(client)
            api.line_base_path = settings.LINE_API_HOST  # the SDK's own default is LINE's host
            api.push_message(
                PushMessageRequest(to=user_id, messages=[TextMessage(text=text)]),
                x_line_retry_key=retry_key,
                _request_timeout=settings.LINE_TIMEOUT_SECONDS,
            )
    except ApiException as error:
        if error.status == 409:  # this retry key was accepted before: the message is there
            return
        raise SendFailed(f"HTTP {error.status}") from error
    except (OSError, urllib3.exceptions.HTTPError) as error:  # refused, unreachable, timed out
        raise SendFailed(type(error).__name__) from error
