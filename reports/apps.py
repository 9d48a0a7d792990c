from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import Role


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # What this app adds to kokona's registries: its menu entry and the city's home, the
        # survey KPIs (registered as the module loads), demo answers and the surveys import.
        # The modules read models, so they load now that the models have.
        from kokona import demo as demos
        from kokona import importers
        from reports import demo, indicators  # noqa: F401
        from reports.importer import SurveysImporter

        navigation.register(
            _("Reports"),
            "reports:home",
            roles=(Role.CITY_STAFF, Role.SUPERVISOR, Role.COUNSELOR, Role.SITE_MANAGER),
            order=40,
            home_of=(Role.CITY_STAFF,),
        )
        demos.register(demo.seed, order=30)
        importers.register(SurveysImporter())
