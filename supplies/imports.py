"""Importing the sites from CSV (`manage.py import_sites` and the upload page).

Columns (design.md): name, category, school_level, address, phone, has_consultation (はい/いいえ),
started_on, ended_on; and, when the file has them, area, contact_person and restock_threshold
(the site export writes all of them, so an exported file comes back as it went out). A site is
known by its name: importing the same file again changes nothing and adds nothing, and a changed
cell updates that site in place. Only the columns a file has are applied; a blank cell in one of
them clears the field. All or nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kokona import audit, importers
from kokona.csvio import (
    CellError,
    CellInvalid,
    Column,
    ImportRefused,
    normalise,
    parse_bool,
    parse_date,
    read,
)
from kokona.importers import Progress
from kokona.models import User
from kokona.vocabularies import lookup
from supplies.models import Area, SchoolLevel, Site, SiteCategory


def _max(name: str) -> int | None:
    return getattr(Site._meta.get_field(name), "max_length", None)


COLUMNS = [
    Column(
        "name", gettext_lazy("Site name"), ("名称", "提供場所", "施設名"), max_length=_max("name")
    ),
    Column("category", gettext_lazy("Category"), ("種別", "分類")),
    Column("school_level", gettext_lazy("School level"), ("学校種別", "校種"), required=False),
    Column("address", gettext_lazy("Address"), ("住所", "所在地"), False, _max("address")),
    Column("phone", gettext_lazy("Phone"), ("電話", "電話番号"), False, _max("phone")),
    Column("has_consultation", gettext_lazy("Consultation desk"), ("相談機能",), required=False),
    Column("started_on", gettext_lazy("Started on"), ("開始日", "提供開始日")),
    Column("ended_on", gettext_lazy("Ended on"), ("終了日", "提供終了日"), required=False),
    Column("area", gettext_lazy("Area"), ("地域", "地区"), required=False),
    Column(
        "contact_person",
        gettext_lazy("Contact person"),
        ("担当者",),
        False,
        _max("contact_person"),
    ),
    Column("restock_threshold", gettext_lazy("Restock threshold"), ("補充の目安",), False),
]
BY_KEY = {column.key: column for column in COLUMNS}
EARLIEST = dt.date(2000, 1, 1)
TEXT_FIELDS = ("address", "phone", "contact_person")


@dataclass
class Row:
    line: int
    name: str
    values: dict[str, Any]  # model field → value, for the columns the file has


@dataclass
class Change:
    site: Site
    fields: dict[str, Any]

    @property
    def labels(self) -> list[str]:
        """The changed fields as the preview names them."""
        return [
            str(getattr(Site._meta.get_field(name), "verbose_name", name))
            for name in sorted(self.fields)
        ]


@dataclass
class Plan(importers.Plan):
    rows: list[Row] = field(default_factory=list)
    new: list[Row] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed_names(self) -> list[str]:
        return [change.site.name for change in self.changes]


class _Vocabularies:
    def __init__(self) -> None:
        self.categories: dict[str, SiteCategory] = SiteCategory.objects.by_label_and_code()
        self.levels: dict[str, SchoolLevel] = SchoolLevel.objects.by_label_and_code()
        self.areas: dict[str, Area] = Area.objects.by_label_and_code()


def _read_row(
    line: int, row: dict[str, str], vocab: _Vocabularies, errors: list[CellError]
) -> Row | None:
    bad_before = len(errors)

    def bad(key: str, message: str) -> None:
        errors.append(CellError(line, BY_KEY[key].name, message))

    def date(key: str) -> dt.date | None:
        if not row.get(key):
            return None
        try:
            day = parse_date(row[key])
        except CellInvalid as error:
            bad(key, str(error))
            return None
        if not EARLIEST <= day <= timezone.localdate() + dt.timedelta(days=366):
            bad(key, _("The date is before 2000 or more than a year ahead."))
            return None
        return day

    name = normalise(row["name"])
    if not name:
        bad("name", _("Give the site's name."))
    values: dict[str, Any] = {}
    category = lookup(vocab.categories, row["category"])
    if category is None:
        bad("category", _("Unknown category 「%s」.") % row["category"])
    values["category"] = category
    if "school_level" in row:
        level = lookup(vocab.levels, row["school_level"]) if row["school_level"] else None
        if row["school_level"] and level is None:
            bad("school_level", _("Unknown school level 「%s」.") % row["school_level"])
        elif category is not None and category.needs_school_level and level is None:
            bad("school_level", _("A school nurse's room needs its school level."))
        elif category is not None and not category.needs_school_level and level is not None:
            bad("school_level", _("Only a school has a school level: leave this blank."))
        values["school_level"] = level
    elif category is not None and category.needs_school_level:
        bad("category", _("A school nurse's room needs its school level: add that column."))
    else:
        values["school_level"] = None
    for key in TEXT_FIELDS:
        if key in row:
            values[key] = normalise(row[key])
    if "has_consultation" in row:
        try:
            values["has_consultation"] = parse_bool(row["has_consultation"])
        except CellInvalid as error:
            bad("has_consultation", str(error))
    started = date("started_on")
    if started is None and not row.get("started_on"):
        bad("started_on", _("Give the day the site started."))
    values["started_on"] = started
    if "ended_on" in row:
        ended = date("ended_on")
        if ended and started and ended < started:
            bad("ended_on", _("A site ends after it starts."))
        values["ended_on"] = ended
    if "area" in row:
        area = lookup(vocab.areas, row["area"]) if row["area"] else None
        if row["area"] and area is None:
            bad("area", _("Unknown area 「%s」.") % row["area"])
        values["area"] = area
    if row.get("restock_threshold"):
        text = normalise(row["restock_threshold"])
        if not text.isdigit() or int(text) > 100000:
            bad("restock_threshold", _("Write a whole number of packs, e.g. 5."))
        else:
            values["restock_threshold"] = int(text)
    if len(errors) > bad_before:
        return None
    return Row(line, name, values)


def plan(data: bytes, *, by: User) -> Plan:
    """Read and check the whole file; raise ImportRefused naming every bad cell."""
    rows = read(data, COLUMNS).rows
    vocab = _Vocabularies()
    errors: list[CellError] = []
    result = Plan()
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = _read_row(line, cells, vocab, errors)
        if row is None:
            continue
        if row.name in seen:
            errors.append(
                CellError(
                    line,
                    BY_KEY["name"].name,
                    _("「%(name)s」 is on line %(first)d already: one line per site.")
                    % {"name": row.name, "first": seen[row.name]},
                )
            )
            continue
        seen[row.name] = line
        result.rows.append(row)
    if errors:
        raise ImportRefused(errors)
    existing = {site.name: site for site in Site.objects.filter(name__in=seen)}
    for row in result.rows:
        site = existing.get(row.name)
        if site is None:
            result.new.append(row)
            continue
        changed = {
            name: value for name, value in row.values.items() if getattr(site, name) != value
        }
        if changed:
            result.changes.append(Change(site, changed))
        else:
            result.already_imported += 1
    return result


@transaction.atomic
def apply(plan: Plan, *, by: User, progress: Progress | None = None) -> int:
    """Add the new sites and update the changed ones, in one transaction; return how many were
    added. Every site written leaves an audit event; pghistory keeps the before and after."""
    added = Site.objects.bulk_create(
        Site(name=row.name, created_by=by, **row.values) for row in plan.new
    )
    audit.record_many(audit.Action.CREATE, [(site, {"import": True}) for site in added], by=by)
    for done, change in enumerate(plan.changes, start=1):
        Site.objects.filter(pk=change.site.pk).update(
            **change.fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if progress:
            progress(len(added) + done)
    audit.record_many(
        audit.Action.UPDATE,
        [
            (change.site, {"import": True, "fields": sorted(change.fields)})
            for change in plan.changes
        ],
        by=by,
    )
    if progress:
        progress(len(plan.rows))
    return len(added)
