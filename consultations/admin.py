"""Supervisors edit the vocabularies and the agencies here. A woman's records are not in the
admin: their one door is the consultation screens, which check access and log every read."""

from django.contrib import admin

from consultations.models import (
    AgeBand,
    Agency,
    Channel,
    ClosingReason,
    ConcernCategory,
    ReachSettings,
)
from kokona.vocabularies import VocabularyAdmin

admin.site.register([ConcernCategory, Channel, AgeBand, ClosingReason], VocabularyAdmin)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "needs_review", "is_active"]
    list_filter = ["kind", "needs_review", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ReachSettings)
class ReachSettingsAdmin(admin.ModelAdmin):
    """The public pages' contact details: one row, edited, never deleted."""

    list_display = ["__str__", "phone", "email", "updated_at"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return super().has_add_permission(request) and not ReachSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
