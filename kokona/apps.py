from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import Role


class KokonaConfig(AppConfig):
    name = "kokona"
    default = True
    verbose_name = _("Users and audit")

    def ready(self) -> None:
        # The pages kokona itself offers: the imports of every app, and the admin.
        navigation.register(
            _("Imports"), "imports", roles=(Role.SUPERVISOR, Role.SITE_MANAGER), order=80
        )
        navigation.register(_("Administration"), "admin:index", roles=(Role.SUPERVISOR,), order=90)


class KokonaAdminConfig(admin_apps.AdminConfig):
    """The Django admin, behind the same second factor as the rest of kokona."""

    default = False
    default_site = "kokona.admin_site.KokonaAdminSite"
