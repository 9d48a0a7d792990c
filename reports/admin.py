from django.contrib import admin

from reports.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "indicator", "value"]
    list_filter = ["fiscal_year", "indicator"]
    search_fields = ["indicator"]
