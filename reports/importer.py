"""The surveys import as kokona's one pipeline runs it (kokona.importers)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kokona.importers import Importer, Progress
from kokona.models import User
from reports import imports


class SurveysImporter(Importer):
    name = "surveys"
    label = gettext_lazy("survey answers")
    columns = imports.COLUMNS
    sample = "samples/surveys-sample.csv"
    preview_template = "reports/_import_preview.html"
    done_url_name = "reports:survey_list"
    done_label = gettext_lazy("See the survey answers")

    def plan(self, data: bytes, *, by: User) -> imports.Plan:
        return imports.plan(data, by=by)

    def apply(self, plan: Any, *, by: User, progress: Progress | None = None) -> int:
        return imports.apply(plan, by=by, progress=progress)

    def values(self) -> dict[str, str]:
        programs = imports.program_model().objects.active().values_list("label", flat=True)
        return {
            "answered_on": _("2021-04-05 or 2021/4/5"),
            "satisfaction": _("大変満足, 満足, 普通, 不満, 大変不満, or 5 to 1"),
            "program": _("Blank, or one of: %s") % "、".join(programs),
            "comment": _("Free text (never a name)"),
        }
