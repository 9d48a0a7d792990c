from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.roles import NPO_STAFF


class IbashoConfig(AppConfig):
    name = "ibasho"
    verbose_name = _("Drop-in space")

    def ready(self) -> None:
        navigation.register(_("Drop-in space"), "ibasho:home", roles=NPO_STAFF, order=20)
