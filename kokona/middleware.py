"""Request-wide concerns: request ids, session lifetime, the second factor, history context."""

import time
import uuid
from collections.abc import Callable

import pghistory.middleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from kokona import drafts, request_context
from kokona.client_address import client_ip
from kokona.models import User
from kokona.two_factor import has_device, sign_in_complete

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give each request an id, shown in logs, audit events, history and the response header, and
    note the client's address for the audit trail (kokona.request_context)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4()  # type: ignore[attr-defined]
        with request_context.bound(id=str(request.request_id), address=client_ip(request)):  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = str(request.request_id)  # type: ignore[attr-defined]
        return response


SESSION_AUTH_AT = "kokona_auth_at"
SESSION_RENEWED_AT = "kokona_renewed_at"


class SessionLifetimeMiddleware:
    """End a session a fixed time after sign-in, however active it was (ASVS 7.3.2), and renew
    it while it is used.

    The idle timeout is Django's own: the session row expires SESSION_COOKIE_AGE after it was
    last saved. Saving it on every request was a write on every page; it is renewed instead when
    its last renewal is SESSION_RENEW_EVERY old, and SESSION_COOKIE_AGE holds that minute too.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_AUTH_AT)
            limit = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if started is None or time.time() - started > limit:
                user = request.user
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                if drafts.kept_at_lifetime_end(request, user):  # type: ignore[arg-type]
                    response = redirect_to_login(drafts.page_of(request))
                    drafts.mark_waiting(response, user.pk)
                    return response
                return redirect_to_login(request.get_full_path())
            now = time.time()
            renewed = request.session.get(SESSION_RENEWED_AT, 0)
            if now - renewed >= settings.SESSION_RENEW_EVERY.total_seconds():
                request.session[SESSION_RENEWED_AT] = now  # saved, so renewed, on the way out
        return self.get_response(request)


class DeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (`user.otp_device`, `user.is_verified()`), answered from the
    user's own query: her confirmed devices come with her (`User.objects.signed_in`), so the
    device this session passed is checked against them rather than read, one query fewer on
    every page. As django-otp does, a device deleted or no longer confirmed, or another user's,
    no longer counts, and the session forgets it. `user.otp_device` is read only if used."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """`request.user` is the user herself, read and checked here, where Django and
        django-otp each put a stand-in that reads her on first use (`SimpleLazyObject`): every
        request reads her at once anyway (SessionLifetimeMiddleware asks whether she is signed
        in), and each of a page's hundreds of reads of her attributes went through both
        stand-ins: the case page took 52.6 M instructions, 49.5 M without them."""
        if self._is_async:
            return super().__call__(request)  # type: ignore[no-any-return]
        if hasattr(request, "user"):
            request.user = self._verify_user_sync(request, get_user(request))
        return self.get_response(request)  # type: ignore[no-any-return]

    def _verify_user_sync(
        self, request: HttpRequest, user: User | AnonymousUser
    ) -> User | AnonymousUser:
        devices = getattr(user, "confirmed_devices", None)
        if devices is None:  # anonymous, or signed in before kokona.backends.RolesBackend
            return super()._verify_user_sync(request, user)  # type: ignore[no-any-return]
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id is not None:
            persistent_id = self._normalize_persistent_id(persistent_id)
            if persistent_id in devices:
                user.otp_device = SimpleLazyObject(  # type: ignore[union-attr]
                    lambda: Device.from_persistent_id(persistent_id)
                )
            else:
                del request.session[DEVICE_ID_SESSION_KEY]
        return user


# Pages a signed-in user may reach before the second factor: the factor's own pages and the way out.
_TWO_FACTOR_OPEN_PATHS = ("/account/two-factor/", "/logout/", "/healthz")


class TwoFactorMiddleware:
    """Hold a signed-in user at the second factor until it is verified.

    Counselors, supervisors and admin users must enrol; others who enrolled must verify too.
    Nothing else, the admin included, is reachable on a password alone.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_TWO_FACTOR_OPEN_PATHS)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            # Kept for the layout's menu (kokona.context_processors), which asks the same.
            complete = sign_in_complete(user)  # type: ignore[arg-type]
            request.sign_in_complete = complete  # type: ignore[attr-defined]
            if not complete:
                kind = "two_factor_verify" if has_device(user) else "two_factor_setup"
                url = f"{reverse(kind)}?{urlencode({'next': request.get_full_path()})}"
                if request.headers.get("HX-Request"):
                    # A fragment cannot carry a full page: ask htmx to go there instead.
                    return HttpResponse(status=403, headers={"HX-Redirect": url})
                return redirect(url)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A password someone else chose is changed at the first sign-in, before anything else."""

    OPEN_PATHS = ("/account/password/", "/logout/", "/healthz")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password  # type: ignore[union-attr]
            and not request.path.startswith(self.OPEN_PATHS)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            messages.info(request, _("Someone else set your password. Choose your own now."))
            return redirect("password_change")
        return self.get_response(request)


class HistoryContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """Stamp every history row with the actor and the request id (ASVS 16.x)."""

    def get_context(self, request: HttpRequest) -> dict[str, object]:
        context = super().get_context(request)
        context["request_id"] = str(getattr(request, "request_id", ""))
        return context


class NoStoreMiddleware:
    """Nothing a signed-in user sees may stay in a shared computer's cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
            response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
