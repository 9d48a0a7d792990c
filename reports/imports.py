"""Importing survey answers from CSV (`manage.py import_surveys` and the upload page).

Columns: answered_on, satisfaction (大変満足/満足/普通/不満/大変不満 or 5–1), program (label or
code, may be blank), comment. One row is one answer. All or nothing; importing the same file
twice adds nothing: a row is known by a keyed hash of its cells and of how many identical rows
came before it in the file (ten people who each ticked 満足 on the same day are ten answers).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kokona import audit, importers
from kokona.crypto import keyed_hash
from kokona.csvio import CellError, CellInvalid, Column, ImportRefused, normalise, parse_date, read
from kokona.models import User
from kokona.vocabularies import lookup
from reports.models import Satisfaction, SurveyResponse, SurveySource

COLUMNS = [
    Column("answered_on", gettext_lazy("Answered on"), ("回答日", "日付")),
    Column("satisfaction", gettext_lazy("Satisfaction"), ("満足度", "評価")),
    Column("program", gettext_lazy("Programme"), ("プログラム", "事業"), required=False),
    Column("comment", gettext_lazy("Comment"), ("感想", "コメント", "自由記述"), required=False),
]
_NAMES = {column.key: column for column in COLUMNS}
EARLIEST = dt.date(2000, 1, 1)
# The paper form's words, as the survey sheet prints them, and the digits people type instead.
ANSWERS = {
    "大変満足": 5,
    "満足": 4,
    "普通": 3,
    "不満": 2,
    "大変不満": 1,
    **{str(value): value for value in Satisfaction.values},
}


def program_model() -> Any:
    """The programme vocabulary, reached through the survey's own field: reports names no app."""
    return SurveyResponse._meta.get_field("program").related_model


@dataclass
class Row:
    line: int
    answered_on: dt.date
    satisfaction: int
    program: Any
    comment: str
    import_key: str


@dataclass
class Plan(importers.Plan):
    rows: list[Row] = field(default_factory=list)

    @property
    def satisfied(self) -> int:
        return sum(1 for row in self.rows if row.satisfaction >= Satisfaction.SATISFIED)


def parse_satisfaction(text: str) -> int:
    value = ANSWERS.get(normalise(text))
    if value is None:
        raise CellInvalid(_("Write 大変満足, 満足, 普通, 不満 or 大変不満 (or 5 to 1)."))
    return value


def plan(data: bytes, *, by: User) -> Plan:
    """Read and check the whole file; raise ImportRefused naming every bad cell. Writes nothing."""
    rows = read(data, COLUMNS).rows
    programs = program_model().objects.by_label_and_code()
    today = timezone.localdate()
    errors: list[CellError] = []
    result = Plan()
    seen: Counter[str] = Counter()
    for line, row in rows:

        def bad(key: str, message: str, line: int = line) -> None:
            errors.append(CellError(line, _NAMES[key].name, message))

        answered_on = satisfaction = None
        try:
            answered_on = parse_date(row["answered_on"])
            if not EARLIEST <= answered_on <= today:
                bad("answered_on", _("The date is in the future or before 2000."))
                answered_on = None
        except CellInvalid as error:
            bad("answered_on", str(error))
        try:
            satisfaction = parse_satisfaction(row["satisfaction"])
        except CellInvalid as error:
            bad("satisfaction", str(error))
        program = None
        if normalise(row.get("program", "")):
            program = lookup(programs, row["program"])
            if program is None:
                bad("program", _("Unknown programme 「%s」.") % row["program"])
                continue
        if answered_on is None or satisfaction is None:
            continue
        comment = row.get("comment", "").strip()
        cells = "\x1f".join(
            [answered_on.isoformat(), str(satisfaction), program.code if program else "", comment]
        )
        seen[cells] += 1
        key = keyed_hash(f"{cells}\x1e{seen[cells]}", kind="text")
        result.rows.append(Row(line, answered_on, satisfaction, program, comment, key))
    if errors:
        raise ImportRefused(errors)
    done = set(
        SurveyResponse.objects.filter(
            import_key__in=[r.import_key for r in result.rows]
        ).values_list("import_key", flat=True)
    )
    result.already_imported = len(done)
    result.rows = [row for row in result.rows if row.import_key not in done]
    return result


@transaction.atomic
def apply(plan: Plan, *, by: User, progress: importers.Progress | None = None) -> int:
    """Write the planned answers in one transaction; return how many were added."""
    answers = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            answered_on=row.answered_on,
            satisfaction=row.satisfaction,
            program=row.program,
            comment=row.comment,
            source=SurveySource.IMPORT,
            import_key=row.import_key,
            created_by=by,
        )
        for row in plan.rows
    )
    if answers:
        # One event for the file: answers are anonymous, and thousands of events would name no one.
        audit.record(
            audit.Action.CREATE,
            by=by,
            object_type=SurveyResponse._meta.label_lower,
            object_id=answers[0].pk,
            detail={"import": True, "answers": len(answers)},
        )
    if progress is not None:
        progress(len(answers))
    return len(answers)
