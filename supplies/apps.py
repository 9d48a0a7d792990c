from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import Role


class SuppliesConfig(AppConfig):
    name = "supplies"
    verbose_name = _("Sanitary products")

    def ready(self) -> None:
        navigation.register(
            _("Supplies"),
            "supplies:home",
            roles=(Role.SITE_MANAGER, Role.SUPERVISOR),
            order=30,
            home_of=(Role.SITE_MANAGER,),
        )
