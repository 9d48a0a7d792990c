"""Sign-in, the second factor, passwords (change, reset, invitation links) and the account page."""

import time
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from kokona import audit, drafts, lockout, password_links, step_up, two_factor
from kokona.audit import Action
from kokona.forms import PasswordConfirmForm, SignInForm, TokenForm
from kokona.http import AuthenticatedHttpRequest
from kokona.middleware import SESSION_AUTH_AT
from kokona.models import User


class SignInView(auth_views.LoginView):
    """Django's LoginView: it rotates the session id; django-axes counts the failures."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[SESSION_AUTH_AT] = time.time()
        audit.record(Action.LOGIN, by=self.request.user, detail={"step": "password"})
        return response

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        if username and lockout.locked(username):
            # Refused before the password is checked: a locked username is no password oracle.
            audit.record(
                Action.DENIED, by=request.user, username=username, detail={"lockout": "username"}
            )
            return render(request, "registration/locked_out.html", {"everywhere": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", ""))[:150]
        audit.record(Action.FAILED_LOGIN, by=self.request.user, username=username)
        lockout.failure_recorded(username)
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            audit.record(Action.LOGOUT, by=request.user)
        response = super().post(request, *args, **kwargs)
        # Tell the browser to forget this site's cookies and anything it cached (ASVS 14.3.1).
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        drafts.forget_marker(response)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one (Django's hash check)."""

    template_name = "kokona/password_change.html"
    success_url = reverse_lazy("account")

    def post(  # type: ignore[override]
        self, request: AuthenticatedHttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        if step_up.locked(request.user):
            # Refused before the current password is checked, so the form answers nothing.
            messages.error(request, step_up.locked_message())
            form = self.form_class(user=request.user)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        User.objects.filter(pk=form.user.pk).update(must_change_password=False)
        audit.record(
            Action.UPDATE, form.user, by=self.request.user, detail={"fields": ["password"]}
        )
        messages.success(self.request, _("Your password has been changed."))
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        if "old_password" in form.errors:
            step_up.refused(self.request, step="password-change")
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """「パスワードをお忘れの方」: a link by email, the same answer whether or not the address is
    known. The link sets a new password; the second factor is still asked after it."""

    form_class = password_links.AuditedPasswordResetForm
    token_generator = password_links.reset_tokens
    template_name = "kokona/password_reset.html"
    email_template_name = "kokona/password_reset_email.txt"
    subject_template_name = "kokona/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set one's own password from an invitation or a reset link; the second factor comes next.

    Django's view: the token leaves the URL before the form is shown (no leak through Referer)
    and stops working once the password is set.
    """

    template_name = "kokona/password_set.html"
    token_generator = password_links.invitation_tokens
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        super().form_valid(form)
        user: User = form.user
        self.request.session[SESSION_AUTH_AT] = time.time()
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        audit.record(
            Action.UPDATE,
            user,
            by=self.request.user,
            detail={"fields": ["password"], "by_link": True},
        )
        messages.success(self.request, _("Your password is set."))
        # The second factor comes next: enrolment or a code, as the middleware asks.
        return redirect(user.get_home_url())


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _verified(request: HttpRequest, device: object) -> None:
    """Mark the session verified by `device`, with a new session id for the stronger session."""
    otp_login(request, device)
    request.session.cycle_key()


# Set in the session (to the time) once the password was asked again to replace the
# authenticator; it opens the enrolment page for a few minutes only.
REPLACING_AUTHENTICATOR = "kokona_replacing_authenticator"
REPLACING_AUTHENTICATOR_FOR = 10 * 60  # seconds


def _replacing_authenticator(request: HttpRequest) -> bool:
    started = request.session.get(REPLACING_AUTHENTICATOR)
    if not isinstance(started, int | float) or time.time() - started > REPLACING_AUTHENTICATOR_FOR:
        request.session.pop(REPLACING_AUTHENTICATOR, None)
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: first sign-in, or a new phone after the password was re-entered."""
    user = request.user
    first_enrolment = not user_has_device(user)
    replacing = user.is_verified() and _replacing_authenticator(request)
    if not (first_enrolment or replacing):
        return redirect("account" if user.is_verified() else "two_factor_verify")
    device = two_factor.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            two_factor.confirm_authenticator(device)
            _verified(request, device)
            request.session.pop(REPLACING_AUTHENTICATOR, None)
            audit.record(
                Action.TWO_FACTOR, by=request.user, detail={"change": "authenticator-enrolled"}
            )
            if not first_enrolment:
                messages.success(request, _("Your new authenticator app is ready."))
                return redirect("account")
            codes = two_factor.issue_backup_codes(user)
            return render(
                request,
                "kokona/backup_codes.html",
                {"codes": codes, "next": _next_url(request, user.get_home_url())},
            )
        form.add_error("otp_token", _("That code did not match. Check the time on your phone."))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": request.GET.get("next", ""),
    }
    return render(request, "kokona/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request, user.get_home_url()))
    if not user_has_device(user):
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["otp_token"])
        if device is not None:
            _verified(request, device)
            audit.record(Action.LOGIN, by=request.user, detail={"step": "second-factor"})
            return redirect(_next_url(request, user.get_home_url()))
        audit.record(Action.FAILED_LOGIN, by=request.user, detail={"step": "second-factor"})
        form.add_error(
            "otp_token",
            _("That code was not accepted. A code can be used only once; wait for the next one."),
        )
    return render(
        request,
        "kokona/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@require_GET
@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_authenticator": user_has_device(user),
        "backup_codes_left": two_factor.backup_codes_left(user),
        "codes_form": PasswordConfirmForm(user, prefix="codes"),
        "phone_form": PasswordConfirmForm(user, prefix="phone"),
    }
    return render(request, "kokona/account.html", context)


@require_http_methods(["POST"])
@login_required
def new_backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if refusal := step_up.confirm_password(request, step="backup-codes", prefix="codes"):
        messages.error(request, refusal)
        return redirect("account")
    codes = two_factor.issue_backup_codes(user)
    audit.record(Action.TWO_FACTOR, by=request.user, detail={"change": "new-backup-codes"})
    return render(request, "kokona/backup_codes.html", {"codes": codes, "next": "/account/"})


@require_http_methods(["POST"])
@login_required
def replace_authenticator(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start enrolling a new phone; the old one keeps working until the new one is confirmed."""
    if refusal := step_up.confirm_password(request, step="authenticator", prefix="phone"):
        messages.error(request, refusal)
        return redirect("account")
    request.session[REPLACING_AUTHENTICATOR] = time.time()
    return redirect("two_factor_setup")


@require_POST
@login_required
def keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Called while someone is typing a long record, so the idle timeout does not throw it away.

    Idle means not typing: the page asks only after recent input. The absolute limit still holds.
    """
    return HttpResponse(status=204)
