from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import NPO_STAFF


class IbashoConfig(AppConfig):
    name = "ibasho"
    verbose_name = _("Drop-in space")

    def ready(self) -> None:
        # What this app adds to kokona's registries: its menu entry, its KPIs (registered as
        # the module loads), a demo year, the sessions import, and her attendance in her own export. They read models, so they
        # load now that the models have.
        from consultations.export import register_section
        from ibasho import demo, export, indicators  # noqa: F401
        from ibasho import scale as scale_seed
        from ibasho.importer import SessionsImporter
        from kokona import demo as demos
        from kokona import importers, scale

        navigation.register(_("Drop-in space"), "ibasho:home", roles=NPO_STAFF, order=20)
        demos.register(demo.seed, order=20)
        scale.register(scale_seed.seed, order=30)
        importers.register(SessionsImporter())
        register_section("ibasho_attendance", export.SECTION)
