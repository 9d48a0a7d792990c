"""Supervisors edit the supplies vocabularies, sites and placements here and export the last two
(CSV and Excel, through supplies.exports: every cell formula-safe). The ledger is read-only: a
movement is never changed or deleted, a mistake is corrected by a reversing entry on the site
manager's pages."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ExportMixin

from kokona import audit
from kokona.vocabularies import VocabularyAdmin
from supplies.exports import PlacementResource, SafeCSV, SafeXLSX, SiteResource
from supplies.models import (
    Area,
    Item,
    OutreachPlacement,
    SchoolLevel,
    Site,
    SiteCategory,
    StockMovement,
)

admin.site.register([SchoolLevel, Area], VocabularyAdmin)


@admin.register(SiteCategory)
class SiteCategoryAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "needs_school_level"]


@admin.register(Item)
class ItemAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "unit", "is_product", "standard_quantity"]


class SafeExportMixin(ExportMixin):
    """django-import-export's export pages, writing through kokona.spreadsheets (SafeCSV,
    SafeXLSX) with Excel's numbers and dates typed, and an audit event per export."""

    formats = [SafeCSV, SafeXLSX]
    export_formats = [SafeCSV, SafeXLSX]

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: QuerySet, **kwargs: Any
    ) -> bytes:
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.native_types, **kwargs
        )
        content = file_format.export_data(data, title=str(self.opts.verbose_name_plural))
        audit.record(
            audit.Action.EXPORT,
            by=request.user,  # type: ignore[arg-type]
            object_type=self.opts.label_lower,
            detail={"format": file_format.get_extension(), "rows": len(data), "admin": True},
        )
        return content


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Ended or removed, never deleted: the ledger and the yearly counts point at them.
        return False


@admin.register(Site)
class SiteAdmin(SafeExportMixin, NoDeleteAdmin):
    resource_classes = [SiteResource]
    list_display = [
        "name",
        "category",
        "school_level",
        "area",
        "has_consultation",
        "started_on",
        "ended_on",
        "restock_threshold",
    ]
    list_filter = ["category", "school_level", "area", "has_consultation"]
    list_select_related = ["category", "school_level", "area"]
    search_fields = ["name", "address"]
    date_hierarchy = "started_on"


@admin.register(OutreachPlacement)
class OutreachPlacementAdmin(SafeExportMixin, NoDeleteAdmin):
    resource_classes = [PlacementResource]
    list_display = ["name", "kind", "area", "site", "placed_on", "removed_on", "last_checked_on"]
    list_filter = ["kind", "area", "cards", "poster", "flyers"]
    list_select_related = ["area", "site"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["site"]

    class Media:
        js = ["js/admin-a11y.js"]  # names the autocomplete box (static/js/admin-a11y.js)


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The ledger, to read. The database refuses changes anyway (its append_only trigger)."""

    list_display = ["moved_on", "kind", "item", "site", "quantity", "created_by", "created_at"]
    list_filter = ["kind", "item", "moved_on"]
    list_select_related = ["item", "site", "created_by"]
    search_fields = ["site__name", "note"]
    date_hierarchy = "moved_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
