"""Supervisors edit the vocabularies and the agencies here. A woman's records are not in the
admin: their one door is the consultation screens, which check access and log every read."""

from django.contrib import admin

from consultations.models import AgeBand, Agency, Channel, ConcernCategory


@admin.register(ConcernCategory, Channel, AgeBand)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["label", "code"]
    ordering = ["order", "pk"]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Records keep pointing at retired entries: switch them off instead.
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "needs_review", "is_active"]
    list_filter = ["kind", "needs_review", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
