from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from consultations.views import line
from kokona import password_links
from kokona.views import accounts, imports, pages

handler403 = "kokona.views.pages.permission_denied"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path("account/backup-codes/", accounts.new_backup_codes, name="new_backup_codes"),
    path(
        "account/authenticator/replace/",
        accounts.replace_authenticator,
        name="replace_authenticator",
    ),
    path("account/keep-alive/", accounts.keep_alive, name="keep_alive"),
    path("invitation/<uidb64>/<token>/", accounts.PasswordSetView.as_view(), name="invitation"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        TemplateView.as_view(template_name="kokona/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordSetView.as_view(token_generator=password_links.reset_tokens),
        name="password_reset_confirm",
    ),
    path("no-role/", pages.no_role, name="no_role"),
    path("notices/<int:pk>/seen/", pages.notice_seen, name="notice_seen"),
    path("healthz", pages.healthz, name="healthz"),
    path("imports/", imports.index, name="imports"),
    path("imports/<slug:name>/", imports.upload, name="import_upload"),
    path("imports/<slug:name>/<int:pk>/", imports.preview, name="import_preview"),
    path("imports/<slug:name>/<int:pk>/status/", imports.status, name="import_status"),
    path("consultations/", include("consultations.urls")),
    path("r/", include("consultations.public_urls")),
    path("line/webhook", line.webhook, name="line_webhook"),
    path("supplies/", include("supplies.urls")),
    path("ibasho/", include("ibasho.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
