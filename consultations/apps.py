from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import NPO_STAFF, Role


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        # What this app adds to kokona's registries: its place in the menu and the home of NPO
        # staff, its KPIs (registered as the module loads), its demo data, its import and the
        # public pages' quick-exit address. The
        # modules read models, so they load now that the models have.
        from consultations import demo, indicators  # noqa: F401
        from consultations import scale as scale_seed
        from consultations.importer import ConsultationsImporter
        from consultations.models import ReachSettings
        from kokona import demo as demos
        from kokona import importers, public, scale

        navigation.register(
            _("Consultations"), "consultations:home", roles=NPO_STAFF, order=10, home_of=NPO_STAFF
        )
        navigation.register(
            _("Outreach"),
            "consultations:outreach_report_now",
            roles=(Role.SUPERVISOR, Role.CITY_STAFF),
            order=45,
        )
        demos.register(demo.seed, order=10)
        scale.register(scale_seed.seed, order=10)
        importers.register(ConsultationsImporter())
        # Where 「すぐに閉じる」 leaves for, on every public page (the survey's too).
        public.register_exit_url(lambda: ReachSettings.current().exit_url)
