from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from kokona import password_links, views

handler403 = "kokona.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("account/backup-codes/", views.new_backup_codes, name="new_backup_codes"),
    path(
        "account/authenticator/replace/",
        views.replace_authenticator,
        name="replace_authenticator",
    ),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("invitation/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="invitation"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        TemplateView.as_view(template_name="kokona/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordSetView.as_view(token_generator=password_links.reset_tokens),
        name="password_reset_confirm",
    ),
    path("no-role/", views.no_role, name="no_role"),
    path("notices/<int:pk>/seen/", views.notice_seen, name="notice_seen"),
    path("healthz", views.healthz, name="healthz"),
    path("consultations/", include("consultations.urls")),
    path("supplies/", include("supplies.urls")),
    path("ibasho/", include("ibasho.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
