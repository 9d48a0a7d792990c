from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from kokona import admin_i18n, audit


class KokonaAdminSite(OTPAdminSite):
    """The admin: staff users whose session passed the second factor, nobody else."""

    site_header = _("kokona administration")
    site_title = _("kokona administration")
    index_title = _("Administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        admin_i18n.install()

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One sign-in page for the whole site, with the lockout and the second factor. Someone
        # already signed in got here because the admin is not theirs: refuse (and audit, as
        # every 403 is), do not loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))

    def password_change(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One password-change form for the whole site, with its step-up lock and audit.
        return redirect("password_change")

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # The "view on site" redirect answers only for models this user may view here; for the
        # rest it says 404 whether the object exists or not.
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        urls = [u for u in super().get_urls() if getattr(u, "name", "") != "view_on_site"]
        return [view_on_site, *urls]

    def view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: Any
    ) -> HttpResponse:
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model) if model else None
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            audit.record(audit.Action.DENIED, by=request.user, detail={"path": request.path})
            raise Http404
        return shortcut(request, content_type_id, object_id)
