"""Sites and placements as CSV and Excel: django-import-export's resources describe the columns,
kokona.spreadsheets writes the file.

django-import-export's own writers escape at most a leading "=" (IMPORT_EXPORT_ESCAPE_FORMULAE_
ON_EXPORT), which leaves "+", "-", "@", a tab or a CR free to start a formula. So its two formats
are replaced here by `SafeCSV` and `SafeXLSX`, which hand the resource's rows to kokona's one
formula-safe writer (CSV in UTF-8 with a BOM for Excel in Japan; numbers and dates stay typed in
Excel). The admin's export (supplies.admin) and the site manager's download buttons both come
through here, and both leave an audit event.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from tablib import Dataset

from kokona import audit
from kokona.models import User
from kokona.spreadsheets import csv_bytes, xlsx_bytes
from supplies.imports import BY_KEY
from supplies.models import OutreachPlacement, Site

YES, NO = "はい", "いいえ"


def _rows(dataset: Dataset) -> tuple[list[str], list[list[object]]]:
    return [str(heading) for heading in dataset.headers or []], [list(row) for row in dataset]


class SafeCSV(base_formats.CSV):
    """CSV through kokona.spreadsheets: UTF-8 with a BOM, every cell formula-safe."""

    native_types: ClassVar[bool] = False

    def export_data(self, dataset: Dataset, **kwargs: Any) -> bytes:
        header, rows = _rows(dataset)
        return csv_bytes(header, rows)

    def is_binary(self) -> bool:
        return True  # bytes already, BOM included

    def get_content_type(self) -> str:
        return "text/csv; charset=utf-8"


class SafeXLSX(base_formats.XLSX):
    """Excel through kokona.spreadsheets: numbers and dates typed, text formula-safe."""

    native_types: ClassVar[bool] = True

    def export_data(self, dataset: Dataset, **kwargs: Any) -> bytes:
        header, rows = _rows(dataset)
        return xlsx_bytes(header, rows, title=str(kwargs.get("title", "kokona")))


FORMATS: dict[str, type[SafeCSV] | type[SafeXLSX]] = {"csv": SafeCSV, "xlsx": SafeXLSX}


class YesNoWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return YES if value else NO


def _column(key: str) -> Any:
    """The import's heading for `key`, lazily translated: the export reads back in."""
    return BY_KEY[key].label


DATE = widgets.DateWidget(format="%Y-%m-%d")


class SiteResource(resources.ModelResource):
    """The site export, headed as the import reads it back (supplies.imports.COLUMNS)."""

    name = fields.Field(attribute="name", column_name=_column("name"))
    category = fields.Field(attribute="category__label", column_name=_column("category"))
    school_level = fields.Field(
        attribute="school_level__label", column_name=_column("school_level")
    )
    address = fields.Field(attribute="address", column_name=_column("address"))
    phone = fields.Field(attribute="phone", column_name=_column("phone"))
    has_consultation = fields.Field(
        attribute="has_consultation",
        column_name=_column("has_consultation"),
        widget=YesNoWidget(),
    )
    started_on = fields.Field(
        attribute="started_on", column_name=_column("started_on"), widget=DATE
    )
    ended_on = fields.Field(attribute="ended_on", column_name=_column("ended_on"), widget=DATE)
    area = fields.Field(attribute="area__label", column_name=_column("area"))
    contact_person = fields.Field(attribute="contact_person", column_name=_column("contact_person"))
    restock_threshold = fields.Field(
        attribute="restock_threshold",
        column_name=_column("restock_threshold"),
        widget=widgets.IntegerWidget(),
    )

    class Meta:
        model = Site
        fields = (
            "name",
            "category",
            "school_level",
            "address",
            "phone",
            "has_consultation",
            "started_on",
            "ended_on",
            "area",
            "contact_person",
            "restock_threshold",
        )
        export_order = fields

    def get_queryset(self) -> QuerySet[Site]:
        return Site.objects.select_related("category", "school_level", "area")


def _verbose(name: str) -> Any:
    return getattr(OutreachPlacement._meta.get_field(name), "verbose_name", name)


def _placement_field(name: str, attribute: str | None = None, **kwargs: Any) -> fields.Field:
    return fields.Field(attribute=attribute or name, column_name=_verbose(name), **kwargs)


class PlacementResource(resources.ModelResource):
    kind = _placement_field("kind", "get_kind_display")
    name = _placement_field("name")
    address = _placement_field("address")
    area = _placement_field("area", "area__label")
    site = _placement_field("site", "site__name")
    cards = _placement_field("cards", widget=YesNoWidget())
    poster = _placement_field("poster", widget=YesNoWidget())
    flyers = _placement_field("flyers", widget=YesNoWidget())
    placed_on = _placement_field("placed_on", widget=DATE)
    removed_on = _placement_field("removed_on", widget=DATE)
    last_checked_on = _placement_field("last_checked_on", widget=DATE)

    class Meta:
        model = OutreachPlacement
        fields = (
            "kind",
            "name",
            "address",
            "area",
            "site",
            "cards",
            "poster",
            "flyers",
            "placed_on",
            "removed_on",
            "last_checked_on",
        )
        export_order = fields

    def get_queryset(self) -> QuerySet[OutreachPlacement]:
        return OutreachPlacement.objects.select_related("area", "site")


def dataset(
    resource: type[resources.ModelResource], queryset: QuerySet, *, native: bool
) -> Dataset:
    return resource().export(queryset=queryset, force_native_type=native)


def write(
    resource: type[resources.ModelResource], queryset: QuerySet, fmt: str, *, by: User
) -> tuple[bytes, str, str]:
    """The file of `queryset` in `fmt` ("csv" or "xlsx"): bytes, content type, file name.
    Leaves an audit event (what was exported, how many rows, never a cell)."""
    format_class = FORMATS[fmt]
    file_format = format_class()
    data = dataset(resource, queryset, native=format_class.native_types)
    model = resource._meta.model
    content = file_format.export_data(data, title=str(model._meta.verbose_name_plural))
    audit.record(
        audit.Action.EXPORT,
        by=by,
        object_type=model._meta.label_lower,
        detail={"format": fmt, "rows": len(data)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"{model._meta.model_name}s-{stamp}.{file_format.get_extension()}"
    return content, file_format.get_content_type(), name


def download(
    resource: type[resources.ModelResource], queryset: QuerySet, fmt: str, *, by: User
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    content, content_type, name = write(resource, queryset, fmt, by=by)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
