"""The consultations import as kokona's one pipeline runs it (kokona.importers): reading and
checking in consultations.imports, writing in consultations.import_writer."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import import_writer, imports
from consultations.models import AgeBand, Channel, ConcernCategory
from kokona.importers import Importer, Progress
from kokona.models import User


class ConsultationsImporter(Importer):
    name = "consultations"
    label = gettext_lazy("consultations")
    columns = imports.COLUMNS
    sample = "samples/consultations-sample.csv"
    preview_template = "consultations/_import_preview.html"
    done_url_name = "consultations:case_list"
    done_label = gettext_lazy("See the cases")
    warning = gettext_lazy(
        "Never a real name in the client column. What it holds becomes her nickname, which stays"
        " searchable and is not encrypted: write the name she goes by with us or your own code"
        " for her."
    )

    def plan(self, data: bytes, *, by: User) -> imports.Plan:
        return imports.plan(data, by=by)

    def apply(self, plan: Any, *, by: User, progress: Progress | None = None) -> int:
        return import_writer.apply(plan, by=by, progress=progress)

    def values(self) -> dict[str, str]:
        labels = {
            model: "、".join(model.objects.active().values_list("label", flat=True))
            for model in (Channel, AgeBand, ConcernCategory)
        }
        return {
            "occurred_at": _("2021-04-05 10:00 or 2021/4/5 10:00, Japan time"),
            "channel": labels[Channel],
            "client": _("Any text that stands for her; blank for an anonymous one-off contact"),
            "age_band": labels[AgeBand],
            "categories": _("Separated by ;") + "：" + labels[ConcernCategory],
            "counselor": _("The counselor's username, or blank"),
            "summary": _("Free text"),
            "referred_to": _("The agency's name, or blank; a new name is added for review"),
        }

    def result(self, plan: Any, added: int) -> dict[str, object]:
        return {
            "added": added,
            "anonymous": plan.anonymous,
            "new_clients": len(plan.new_clients),
            "already_imported": plan.already_imported,
            "new_agencies": len(plan.new_agencies),
            "new_agency_names": plan.new_agencies,
        }

    def summary(self, result: dict[str, Any]) -> list[str]:
        lines = [
            _(
                "Imported %(added)d contacts (%(anonymous)d anonymous); %(new)d new people;"
                " %(skipped)d were already imported."
            )
            % {
                "added": result["added"],
                "anonymous": result["anonymous"],
                "new": result["new_clients"],
                "skipped": result["already_imported"],
            }
        ]
        if result["new_agency_names"]:
            names = "、".join(result["new_agency_names"])
            lines.append(_("New agencies for a supervisor to review: %s") % names)
        return lines
