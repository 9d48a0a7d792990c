"""Nothing typed is lost at the idle sign-out.

A counselor may keep a record form open for more than the idle timeout (she is chatting with the
woman in another app) and then press 記録する. The page warns her two minutes before the timeout
(static/js/kokona.js); if the form still arrives after the session ended, it is kept here:

- While someone is signed in, the browser holds a signed marker cookie naming her (no secret in
  it: a user id, signed so that it cannot be forged). It outlives the idle timeout, not the
  browser, and a sign-out deletes it.
- A POST without a session, past the CSRF check, on a marked browser: its fields (never the CSRF
  token or a password) are saved encrypted as a `Draft` of that user and page, and she is sent
  to sign in with the page as `next`. The marker then says a draft waits.
- When the same user, fully signed in again, opens that page, the draft is handed to the page
  (`restored_fields`, and as JSON the script puts back into the form) and deleted. Another user
  signing in on the browser replaces the marker: she is never shown it, and the draft expires.

Uploads are not kept (a file cannot be), nor htmx calls (they are not a submitted form).
"""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kokona import audit
from kokona.models import Draft, User

Handler = Callable[[HttpRequest], HttpResponse]

_SALT = "kokona.drafts.marker"
# Pages that are about signing in: nothing posted there is ever kept.
_NOT_KEPT_PATHS = (
    "/login/",
    "/logout/",
    "/account/",
    "/password-reset/",
    "/invitation/",
    "/admin/",
    "/healthz",
)
_NOT_KEPT_FIELDS = ("csrfmiddlewaretoken",)
_SECRET_PARTS = ("password", "token", "otp")
WAITING = "draft"


def marker_cookie_name() -> str:
    # Like the session cookie: `__Host-` wherever cookies are secure-only.
    prefix = "__Host-" if settings.SESSION_COOKIE_SECURE else ""
    return f"{prefix}kokona_signed_in_as"


def _marker_max_age() -> timedelta:
    lifetime: timedelta = settings.SESSION_ABSOLUTE_LIFETIME
    return lifetime + settings.DRAFT_LIFETIME


def read_marker(request: HttpRequest) -> tuple[int, bool] | None:
    """(user id, whether a draft waits) from the browser's marker, or None."""
    value = request.get_signed_cookie(
        marker_cookie_name(), default=None, salt=_SALT, max_age=_marker_max_age()
    )
    if not value:
        return None
    user_id, _sep, flag = value.partition(":")
    if not user_id.isdigit():
        return None
    return int(user_id), flag == WAITING


def _set_marker(response: HttpResponse, user_id: int, *, waiting: bool) -> None:
    value = f"{user_id}:{WAITING}" if waiting else str(user_id)
    response.set_signed_cookie(
        marker_cookie_name(),
        value,
        salt=_SALT,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_marker(response: HttpResponse) -> None:
    """At sign-out: nothing posted afterwards on this browser belongs to her."""
    response.delete_cookie(marker_cookie_name(), samesite="Lax")


def kept_fields(request: HttpRequest) -> dict[str, list[str]]:
    return {
        name: values
        for name, values in request.POST.lists()
        if name not in _NOT_KEPT_FIELDS and not any(p in name.lower() for p in _SECRET_PARTS)
    }


def page_of(request: HttpRequest) -> str:
    """The page the form was on: where she goes back to. A form often posts to a URL of its own
    (a case page's 相談を追加 posts to …/contacts/), which may answer no GET; the browser names
    the page in Referer (same-origin, as the Referrer-Policy lets it)."""
    referer = urlsplit(request.headers.get("Referer", ""))
    # The port may differ behind the proxy (https on 443, the app on 80): the host name decides.
    this_host = urlsplit(f"//{request.get_host()}").hostname
    if referer.scheme in ("http", "https") and referer.hostname == this_host:
        return referer.path or request.path
    return request.path


def keep(*, user: User, path: str, action: str, fields: dict[str, list[str]]) -> Draft:
    """Keep what `user` posted to `action` from the page `path` after her session ended (one
    draft a page: the last)."""
    Draft.objects.expired().delete()
    Draft.objects.filter(user=user, path=path).delete()
    kept = json.dumps({"action": action, "fields": fields}, ensure_ascii=False)
    draft = Draft.objects.create(user=user, path=path, fields=kept)
    audit.record(
        audit.Action.CREATE,
        draft,
        by=None,
        username=user.get_username(),
        detail={"after_timeout": True, "fields": sorted(fields)},
    )
    return draft


def take(*, user: User, path: str) -> dict[str, Any] | None:
    """What `user` left on `path` ({"action": the URL posted to, "fields": {name: [values]}}),
    deleted as it is handed over (purge on read)."""
    Draft.objects.expired().delete()
    draft = Draft.objects.filter(user=user, path=path).first()
    if draft is None:
        return None
    kept: dict[str, Any] = json.loads(draft.fields)
    audit.record(audit.Action.VIEW, draft, by=user, detail={"restored": True})
    draft.delete()
    return kept


def kept_at_lifetime_end(request: HttpRequest, user: User) -> bool:
    """The absolute lifetime (kokona.middleware) ended her session as she sent a form: keep it as
    the idle timeout would. Her session was still valid, and its cookie is SameSite=Lax, so the
    form came from this site even though the CSRF check has not run yet."""
    if request.method != "POST" or not _keepable(request):
        return False
    fields = kept_fields(request)
    if not fields:
        return False
    keep(user=user, path=page_of(request), action=request.path, fields=fields)
    return True


def mark_waiting(response: HttpResponse, user_id: int) -> None:
    """The browser's marker: a form of this user waits for her next sign-in."""
    _set_marker(response, user_id, waiting=True)


def _keepable(request: HttpRequest) -> bool:
    return not (
        request.path.startswith((*_NOT_KEPT_PATHS, settings.STATIC_URL))
        or request.FILES
        or request.headers.get("HX-Request")
    )


def restored_fields(request: HttpRequest) -> dict[str, list[str]]:
    """What the signed-in user had posted to this page before her session ended, if she is back
    on it now; {} otherwise. A view may use it for what the script cannot put back (a choice
    that only exists once a search ran)."""
    draft = getattr(request, "kokona_draft", None) or {}
    fields: dict[str, list[str]] = draft.get("fields", {})
    return fields


class DraftMiddleware:
    """Keep a form posted after the idle timeout; put it back when its author signs in again."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        kept_for: User | None = getattr(request, "_kokona_draft_kept_for", None)
        if kept_for is not None:
            _set_marker(response, kept_for.pk, waiting=True)
            return response
        user = request.user
        if user.is_authenticated and not response.cookies.get(marker_cookie_name()):
            marker = read_marker(request)
            waiting = bool(marker and marker[0] == user.pk and marker[1])
            if getattr(request, "_kokona_drafts_done", False):
                waiting = False
            if marker != (user.pk, waiting):
                _set_marker(response, user.pk, waiting=waiting)
        return response

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if request.path.startswith((*_NOT_KEPT_PATHS, settings.STATIC_URL)):
            return None
        if request.method == "POST" and not request.user.is_authenticated:
            return self._keep(request)
        if request.method == "GET" and request.user.is_authenticated:
            self._restore(request)
        return None

    def _keep(self, request: HttpRequest) -> HttpResponse | None:
        marker = read_marker(request)
        if marker is None or not _keepable(request):
            return None
        user = User.objects.filter(pk=marker[0], is_active=True).first()
        fields = kept_fields(request)
        if user is None or not fields:
            return None
        page = page_of(request)
        keep(user=user, path=page, action=request.path, fields=fields)
        request._kokona_draft_kept_for = user  # type: ignore[attr-defined]
        messages.info(
            request,
            _(
                "Your session had ended, so what you sent was kept. Sign in again and it will be"
                " back in the form."
            ),
        )
        return redirect_to_login(page)

    def _restore(self, request: HttpRequest) -> None:
        user: User = request.user  # type: ignore[assignment]
        marker = read_marker(request)
        if marker != (user.pk, True) or request.headers.get("HX-Request"):
            return
        fields = take(user=user, path=request.path)
        if fields is None:
            if not Draft.objects.live().filter(user=user).exists():
                request._kokona_drafts_done = True  # type: ignore[attr-defined]
            return
        request.kokona_draft = fields  # type: ignore[attr-defined]
        if not Draft.objects.live().filter(user=user).exists():
            request._kokona_drafts_done = True  # type: ignore[attr-defined]
        messages.info(
            request,
            _(
                "What you typed before your session ended is back in the form. Check it, then"
                " send it again."
            ),
        )
