from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import Role


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        navigation.register(
            _("Reports"),
            "reports:home",
            roles=(Role.CITY_STAFF, Role.SUPERVISOR),
            order=40,
            home_of=(Role.CITY_STAFF,),
        )
