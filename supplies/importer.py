"""The sites import as kokona's one pipeline runs it (kokona.importers): reading and checking in
supplies.imports, which also writes."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kokona.importers import Importer, Progress
from kokona.models import User
from kokona.roles import Role
from supplies import imports
from supplies.models import Area, SchoolLevel, SiteCategory


class SitesImporter(Importer):
    name = "sites"
    label = gettext_lazy("product sites")
    columns = imports.COLUMNS
    sample = "samples/sites-sample.csv"
    preview_template = "supplies/_import_preview.html"
    done_url_name = "supplies:site_list"
    done_label = gettext_lazy("See the sites")
    uploaders = (Role.SITE_MANAGER, Role.SUPERVISOR)
    command_roles = (Role.SITE_MANAGER, Role.SUPERVISOR)

    def plan(self, data: bytes, *, by: User) -> imports.Plan:
        return imports.plan(data, by=by)

    def apply(self, plan: Any, *, by: User, progress: Progress | None = None) -> int:
        return imports.apply(plan, by=by, progress=progress)

    def values(self) -> dict[str, str]:
        def labels(model: Any) -> str:
            return "、".join(model.objects.active().values_list("label", flat=True))

        return {
            "name": _("The site's name; a name already known updates that site"),
            "category": labels(SiteCategory),
            "school_level": _("For a school nurse's room: %s") % labels(SchoolLevel),
            "address": _("Free text"),
            "phone": _("Free text"),
            "has_consultation": _("はい or いいえ"),
            "started_on": _("2021-04-01 or 2021/4/1"),
            "ended_on": _("2022-03-31 or 2022/3/31; blank while it runs"),
            "area": labels(Area),
            "contact_person": _("Free text"),
            "restock_threshold": _("Packs, e.g. 5"),
        }

    def result(self, plan: Any, added: int) -> dict[str, object]:
        return {
            "added": added,
            "updated": len(plan.changes),
            "already_imported": plan.already_imported,
        }

    def summary(self, result: dict[str, Any]) -> list[str]:
        return [
            _("Added %(added)d sites; updated %(updated)d; %(same)d were already up to date.")
            % {
                "added": result["added"],
                "updated": result.get("updated", 0),
                "same": result["already_imported"],
            }
        ]
