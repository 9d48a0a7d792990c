"""Her export as a Japanese Excel workbook, readable by her and by the office (APPI 開示).

The same content as the JSON (`consultations.export.client_export`), one sheet per kind of record,
every heading the field's Japanese name, choices by their labels, times in Japan time as Excel
dates, yes/no as はい/いいえ. Written by kokona.spreadsheets, so no cell is ever run as a formula.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import export
from consultations.models import Case, CaseStatusChange, Client, Contact, Referral, SupportActivity
from kokona.models import AuditEvent
from kokona.spreadsheets import xlsx_workbook_bytes

_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")

# Keys of the export that are not a model field of the sheet's record.
_HEADINGS = {
    "id": gettext_lazy("Number"),
    "code": gettext_lazy("client code"),
    "case": gettext_lazy("case number"),
    "referral": gettext_lazy("referral number"),
    "agency": gettext_lazy("agency"),
    "referred_on": gettext_lazy("referred on"),
    "consent_recorded": gettext_lazy("She agreed to the sharing"),
    "override_by": gettext_lazy("shared without consent on the word of"),
    "override_reason": gettext_lazy("reason for sharing without consent"),
    "recorded_at": gettext_lazy("recorded at"),
    "recorded_by": gettext_lazy("recorded by"),
    # Fields whose model gives no Japanese name.
    "updated_at": gettext_lazy("last changed"),
    "from_status": gettext_lazy("status before"),
    "to_status": gettext_lazy("status after"),
    "changed_by": gettext_lazy("changed by whom"),
    "changed_at": gettext_lazy("changed when"),
}


def _heading(model: type[models.Model] | None, key: str) -> str:
    if key in _HEADINGS:
        return str(_HEADINGS[key])
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except LookupError:
            return key
        if isinstance(field, models.Field):
            return str(field.verbose_name)
    return key


def _cell(value: object) -> object:
    """A value of the JSON export as an Excel cell a person reads."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


Sheet = tuple[str, Sequence[object], list[Sequence[object]]]


_PROVISION_KEYS = [
    "referral",
    "case",
    "agency",
    "referred_on",
    "consent_recorded",
    "override_by",
    "override_reason",
    "recorded_at",
    "recorded_by",
]


def _table(
    title: str,
    model: type[models.Model] | None,
    entries: Iterable[dict],
    keys: Sequence[str] = (),
) -> Sheet:
    """A sheet of records, one a row; its columns as the records have them, or when there are
    none, the fields the export would hold (the headings say what would be there)."""
    rows = list(entries)
    keys = list(keys)
    for row in rows:
        keys += [key for key in row if key not in keys and not _nested(model, key)]
    if not rows and model is not None:
        keys = [f.name for f in export.exported_fields(model)]
    header = [_heading(model, key) for key in keys]
    return title, header, [[_cell(row.get(key)) for key in keys] for row in rows]


def _nested(model: type[models.Model] | None, key: str) -> bool:
    """A list of records under this one (a case's contacts): they have a sheet of their own."""
    if model is None:
        return False
    try:
        field = model._meta.get_field(key)
    except LookupError:
        return False
    return field.auto_created and not field.concrete


def _plural(model: type[models.Model]) -> str:
    # The singular: some plurals translate as a counter word (「件」).
    return str(model._meta.verbose_name)


def _per_case(cases: list[dict], key: str) -> list[dict]:
    return [{"case": case["id"], **entry} for case in cases for entry in case[key]]


def client_workbook(data: dict) -> bytes:
    """The workbook of `data`, as `export.client_export` returned it."""
    client = data["client"]
    cases = data["cases"]
    about_her: Sheet = (
        str(Client._meta.verbose_name),
        [_("Item"), _("Content")],
        [[_heading(Client, key), _cell(value)] for key, value in client.items()],
    )
    sheets: list[Sheet] = [
        about_her,
        _table(_plural(Case), Case, cases),
        _table(
            _plural(Contact),
            Contact,
            [*_per_case(cases, "contacts"), *data["contacts_without_case"]],
            ["case"],
        ),
        _table(_plural(Referral), Referral, _per_case(cases, "referrals"), ["case"]),
        _table(_plural(SupportActivity), SupportActivity, _per_case(cases, "activities"), ["case"]),
        _table(
            _plural(CaseStatusChange),
            CaseStatusChange,
            _per_case(cases, "status_changes"),
            ["case"],
        ),
        _table(
            _("Records of provision to third parties"), None, data["provisions"], _PROVISION_KEYS
        ),
    ]
    for name, section in export.sections().items():
        sheets.append(_table(_plural(section.model), section.model, data[name]))
    sheets.append(_table(_("Access history"), AuditEvent, data["access_log"]))
    return xlsx_workbook_bytes(sheets)
