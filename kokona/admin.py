from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokona import audit, password_links, step_up
from kokona.models import AuditEvent, Notice, User
from kokona.roles import Role

# What makes a user more powerful: changing any of it asks the changer's password again.
POWER_FIELDS = ("groups", "is_staff", "is_superuser", "user_permissions")


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """The roles as people know them (相談員, 管理者…), not as group codes."""

    def label_from_instance(self, obj: Group) -> str:
        return str(Role(obj.name).label) if obj.name in Role.values else obj.name


def role_field() -> RoleChoiceField:
    return RoleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.filter(name__in=Role.values).order_by("pk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PowerChangeMixin(forms.ModelForm):
    """Granting a role or admin rights asks the password of the person granting it (step-up,
    counted toward her lock) and leaves an audit event (kokona.admin.KokonaUserAdmin)."""

    confirm_password = forms.CharField(
        label=_("Your password, to change roles or rights"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only when you change the roles or the admin rights."),
    )
    request: HttpRequest  # set by the admin that builds the form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(name in self.changed_data for name in POWER_FIELDS):
            return data
        granter: User = self.request.user  # type: ignore[assignment]
        if step_up.locked(granter):
            self.add_error("confirm_password", step_up.locked_message())
        elif not granter.check_password(data.get("confirm_password", "")):
            step_up.refused(self.request, step="grant-role")
            self.add_error("confirm_password", _("The password is not correct."))
        return data


class InviteUserForm(PowerChangeMixin):
    """A new account has no password: its owner sets one through the invitation link."""

    groups = role_field()

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "groups"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """A permission in Japanese: Django stored its name in English when the table was made."""

    ACTIONS = {
        "add": _("add"),
        "change": _("change"),
        "delete": _("delete"),
        "view": _("view"),
    }

    def label_from_instance(self, obj: Permission) -> str:
        model = obj.content_type.model_class()
        action = self.ACTIONS.get(obj.codename.split("_", 1)[0])
        if model is None or action is None:
            return str(obj)
        app = apps.get_app_config(model._meta.app_label).verbose_name
        return f"{app} | {model._meta.verbose_name} | {action}"


class KokonaUserChangeForm(PowerChangeMixin, UserChangeForm):
    groups = role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user_permissions" in self.fields:
            field = self.fields["user_permissions"]
            self.fields["user_permissions"] = PermissionChoiceField(
                queryset=Permission.objects.select_related("content_type"),
                required=False,
                label=field.label,
                help_text=field.help_text,
                widget=field.widget,
            )
        if "password" in self.fields:
            self.fields["password"].help_text = _(
                "Nobody sets a password for someone else: use 「Send an invitation or reset link」"
                " above, and she chooses her own."
            )


class RoleListFilter(admin.SimpleListFilter):
    """Users by role, named as people know the roles (not by the groups' codes)."""

    title = _("Roles")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(role.value, str(role.label)) for role in Role]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class KokonaUserAdmin(UserAdmin):
    list_display = [
        "display_name",
        "username",
        "roles_shown",
        "email",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_display_links = ["display_name", "username"]
    list_filter = ["is_active", "is_staff", RoleListFilter]
    search_fields = ["username", "display_name", "email"]
    form = KokonaUserChangeForm
    add_form = InviteUserForm
    add_fieldsets = (
        (None, {"fields": ("display_name", "username", "email", "groups", "confirm_password")}),
    )
    # 表示名 first, the roles as check boxes next; the admin's own rights after them.
    fieldsets = (
        (None, {"fields": ("display_name", "username", "email", "password")}),
        (_("Roles"), {"fields": ("groups", "is_active")}),
        (
            _("Rights in the administration"),
            {"fields": ("is_staff", "is_superuser", "user_permissions", "must_change_password")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (None, {"fields": ("confirm_password",)}),
    )
    change_form_template = "admin/kokona/user/change_form.html"
    filter_horizontal = ("user_permissions",)

    class Media:
        js = ["js/admin-a11y.js"]  # names the picker's icons (static/js/admin-a11y.js says why)

    # Only a superuser hands out the powers of the admin itself; a supervisor manages people and
    # their roles, and cannot make herself (or anyone) a superuser.
    SUPERUSER_ONLY = ("is_superuser", "is_staff", "user_permissions", "must_change_password")

    @admin.display(description=_("Roles"))
    def roles_shown(self, user: User) -> str:
        return "、".join(str(role.label) for role in Role if role in user.roles)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """Only a superuser sets a password here (user_change_password): nobody else is shown
        the button that leads there."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.SUPERUSER_ONLY
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        form = super().get_form(request, obj, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if isinstance(obj, User) and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deactivate instead: a user's audit trail must keep pointing at them.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        form._roles_before = set(obj.groups.values_list("name", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user: User = form.instance
        after = set(user.groups.values_list("name", flat=True))
        before: set[str] = getattr(form, "_roles_before", set())
        powers = [name for name in ("is_staff", "is_superuser") if name in form.changed_data]
        if after != before or powers:
            audit.record(
                audit.Action.UPDATE,
                user,
                by=request.user,
                detail={
                    "roles_added": sorted(after - before),
                    "roles_removed": sorted(before - after),
                    "rights": powers,
                },
            )

    def response_add(
        self, request: HttpRequest, obj: User, post_url_continue: str | None = None
    ) -> HttpResponse:
        """A new account comes with its invitation, shown now and never again."""
        return self._invitation_page(request, obj, new=True)

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        urls = [
            path(
                "<id>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="kokona_user_invite",
            )
        ]
        return urls + super().get_urls()  # type: ignore[return-value]

    def invite_view(self, request: HttpRequest, id: str) -> HttpResponse:
        return require_POST(self._invite)(request, id)

    def _invite(self, request: HttpRequest, id: str) -> HttpResponse:
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        forced = "force_reset" in request.POST
        return self._invitation_page(request, user, new=False, force_reset=forced)

    def _invitation_page(
        self, request: HttpRequest, user: User, *, new: bool, force_reset: bool = False
    ) -> HttpResponse:
        url = password_links.invite(request, user, force_reset=force_reset)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": _("Invitation for %s") % user.get_username(),
            "url": url,
            "forced": force_reset,
            "days": password_links.invitation_tokens.max_age.days,
            "new": new,
        }
        return TemplateResponse(request, "admin/kokona/user/invitation.html", context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Only a superuser may still set someone's password, and then she must change it at her
        next sign-in; everyone else sends a link."""
        if not request.user.is_superuser:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=unquote(id))
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
            audit.record(
                audit.Action.UPDATE, user, by=request.user, detail={"fields": ["password"]}
            )
        return response


# The groups are the four roles of kokona.roles: created by migrations, never edited by hand.
admin.site.unregister(Group)

# django-otp's backup-code devices: the same admin, with the inline code fields named.
admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class NamedStaticDeviceAdmin(StaticDeviceAdmin):
    class Media:
        js = ["js/admin-a11y.js"]  # names the inline fields (static/js/admin-a11y.js)


# django-otp's device lists explain their search box in English.
for _device in (StaticDevice, TOTPDevice):
    if _device in admin.site._registry:
        admin.site._registry[_device].search_help_text = _(  # type: ignore[misc]
            "Search by the user's username or email address"
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kokona writes itself (the audit trail, notices): read here, never made or changed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def record_type_name(label: str) -> str:
    """「ケース」 for "consultations.case": a record type as people call it."""
    return AuditEvent(object_type=label).object_type_name


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        labels = AuditEvent.objects.exclude(object_type="").values_list("object_type", flat=True)
        return sorted(
            ((label, record_type_name(label)) for label in labels.distinct().order_by()),
            key=lambda choice: choice[1],
        )

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value():
            return queryset.filter(object_type=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "record_type", "object_id", "ip", "request_id"]
    # The record type by its Japanese name on the event's page too, not as "consultations.case".
    fields = [
        "at",
        "actor",
        "username",
        "action",
        "record_type",
        "object_id",
        "request_id",
        "ip",
        "detail",
    ]
    readonly_fields = ["record_type"]
    list_filter = ["action", RecordTypeFilter]
    search_fields = ["username", "object_id", "=request_id"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    @admin.display(description=_("object type"), ordering="object_type")
    def record_type(self, event: AuditEvent) -> str:
        return record_type_name(event.object_type)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Every notice, seen or not, for the record; they are written by kokona, never by hand."""

    list_display = ["created_at", "text", "seen_by", "seen_at"]
    list_filter = [("seen_at", admin.EmptyFieldListFilter)]
    list_select_related = ["seen_by"]
    date_hierarchy = "created_at"
