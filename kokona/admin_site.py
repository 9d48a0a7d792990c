from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class KokonaAdminSite(OTPAdminSite):
    """The admin: staff users whose session passed the second factor, nobody else."""

    site_header = _("kokona administration")
    site_title = _("kokona administration")
    index_title = _("Administration")

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One sign-in page for the whole site, with the lockout and the second factor. Someone
        # already signed in got here because the admin is not theirs: refuse, do not loop.
        if request.user.is_authenticated:
            from kokona import audit

            audit.record(request, audit.Action.DENIED, detail={"path": request.path})
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))

    def password_change(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One password-change form for the whole site, with its step-up lock and audit.
        return redirect("password_change")
