from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from reports.models import Target, TargetChange, YearLock
from reports.services import set_target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets in the admin, for supervisors used to it; the 目標値 screen is the usual way.

    An existing target's indicator and year are shown, not edited: the choice list holds only
    the indicators registered now, so a target whose app has not registered its indicator yet
    (or no longer does) could not be saved at all when they were form fields.
    """

    list_display = ["fiscal_year", "indicator", "value"]
    list_filter = ["fiscal_year", "indicator"]
    search_fields = ["indicator"]

    def get_readonly_fields(self, request: HttpRequest, obj: Target | None = None) -> Any:
        return ["indicator", "fiscal_year"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        # Through the same service as the 目標値 screen, so the change keeps who and why.
        set_target(
            code=obj.indicator,
            year=obj.fiscal_year,
            value=obj.value,
            note=_("Changed in the admin"),
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = Target.objects.get(indicator=obj.indicator, fiscal_year=obj.fiscal_year).pk


@admin.register(TargetChange)
class TargetChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "target", "old_value", "new_value", "changed_by"]
    list_select_related = ["target", "changed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(YearLock)
class YearLockAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "locked_at", "locked_by"]
    exclude = ["figures"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
