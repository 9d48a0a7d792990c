from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class KokonaConfig(AppConfig):
    name = "kokona"
    default = True
    verbose_name = _("Users and audit")


class KokonaAdminConfig(admin_apps.AdminConfig):
    """The Django admin, behind the same second factor as the rest of kokona."""

    default = False
    default_site = "kokona.admin_site.KokonaAdminSite"
