"""The sessions import as kokona's one pipeline runs it (kokona.importers)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ibasho import imports
from ibasho.models import Program
from kokona.importers import Importer, Progress
from kokona.models import User


class SessionsImporter(Importer):
    name = "sessions"
    label = gettext_lazy("drop-in sessions")
    columns = imports.COLUMNS
    sample = "samples/sessions-sample.csv"
    preview_template = "ibasho/_import_preview.html"
    done_url_name = "ibasho:session_list"
    done_label = gettext_lazy("See the sessions")

    def plan(self, data: bytes, *, by: User) -> imports.Plan:
        return imports.plan(data, by=by)

    def apply(self, plan: Any, *, by: User, progress: Progress | None = None) -> int:
        return imports.apply(plan, by=by, progress=progress)

    def values(self) -> dict[str, str]:
        programs = "、".join(Program.objects.active().values_list("label", flat=True))
        return {
            "date": _("2021-04-05 or 2021/4/5; a day that has passed"),
            "start": _("10:00"),
            "end": _("12:00, after the start"),
            "program": programs,
            "venue": _("Blank: the programme's usual venue"),
            "participants": _("How many came (a number; nobody is named)"),
            "children_in_childcare": _("How many children were in childcare, or blank"),
            "notes": _("Free text"),
        }

    def result(self, plan: Any, added: int) -> dict[str, object]:
        return {
            "added": added,
            "already_imported": plan.already_imported,
            "participants": plan.participants,
            "children": plan.children,
        }

    def summary(self, result: dict[str, Any]) -> list[str]:
        return [
            _(
                "Imported %(added)d sessions (%(participants)d participants, %(children)d children"
                " in childcare); %(skipped)d were already imported."
            )
            % {
                "added": result["added"],
                "participants": result["participants"],
                "children": result["children"],
                "skipped": result["already_imported"],
            }
        ]
