from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import Role


class SuppliesConfig(AppConfig):
    name = "supplies"
    verbose_name = _("Sanitary products")

    def ready(self) -> None:
        # What this app adds to kokona's registries: its menu entries and the site manager's
        # home, its KPIs (registered as the module loads), its demo data and the sites import.
        # The modules read models, so they load now that the models have.
        from kokona import demo as demos
        from kokona import importers, scale
        from supplies import demo, indicators  # noqa: F401
        from supplies import scale as scale_seed
        from supplies.importer import SitesImporter

        navigation.register(
            _("Supplies"),
            "supplies:home",
            roles=(Role.SITE_MANAGER, Role.SUPERVISOR),
            order=30,
            home_of=(Role.SITE_MANAGER,),
        )
        # Counselors read the sites, to tell a woman where to find products.
        navigation.register(
            _("Product sites"), "supplies:site_list", roles=(Role.COUNSELOR,), order=31
        )
        demos.register(demo.seed, order=20)
        scale.register(scale_seed.seed, order=20)
        importers.register(SitesImporter())
