from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kokona.models import AuditEvent, Notice, User


@admin.register(User)
class KokonaUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("kokona"), {"fields": ("display_name",)}),
    )

    # Only a superuser hands out the powers of the admin itself; a supervisor manages people and
    # their roles, and cannot make herself (or anyone) a superuser.
    SUPERUSER_ONLY = ("is_superuser", "is_staff", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.SUPERUSER_ONLY
        return fields

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if isinstance(obj, User) and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deactivate instead: a user's audit trail must keep pointing at them.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "ip", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "=request_id"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Every notice, seen or not, for the record; they are written by kokona, never by hand."""

    list_display = ["created_at", "text", "seen_by", "seen_at"]
    list_filter = [("seen_at", admin.EmptyFieldListFilter)]
    list_select_related = ["seen_by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
