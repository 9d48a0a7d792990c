import functools
from collections.abc import Callable, Iterator
from datetime import timedelta

import pghistory
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kokona import navigation
from kokona.crypto import EncryptedTextField
from kokona.roles import BY_TRUST, Role

# The second-factor devices kokona uses (django-otp's plugins), by model label.
SECOND_FACTORS = ("otp_totp.TOTPDevice", "otp_static.StaticDevice")


# The two arrays `UserManager.signed_in` reads with the user, from the user's own row (the query's
# kokona_user): the names of her groups, and her confirmed devices' persistent ids (django-otp's
# `Device.persistent_id`). Table names from the models, no values: nothing here comes from input.
@functools.cache
def _role_names() -> str:
    links = User.groups.through._meta.db_table
    return (
        f"ARRAY(SELECT g.name FROM {Group._meta.db_table} g JOIN {links} ug"  # noqa: S608  # nosec B608
        f" ON ug.group_id = g.id WHERE ug.user_id = {User._meta.db_table}.id)"
    )


@functools.cache
def _confirmed_devices() -> str:
    parts = []
    for label in SECOND_FACTORS:
        model = apps.get_model(label)
        parts.append(
            f"SELECT '{model._meta.label_lower}/' || d.id FROM {model._meta.db_table} d"  # noqa: S608  # nosec B608
            f" WHERE d.user_id = {User._meta.db_table}.id AND d.confirmed"
        )
    return f"ARRAY({' UNION ALL '.join(parts)})"


class UserManager(BaseUserManager["User"]):
    def signed_in(self) -> "models.QuerySet[User]":
        """Users as every signed-in request reads its user (kokona.backends), in one query: with
        the names of her groups (`User.roles`) and the persistent ids of her confirmed
        second-factor devices (`confirmed_devices`: kokona.middleware.DeviceMiddleware checks
        the session's device against them, `kokona.two_factor.has_device` asks them).

        Written as SQL: Django took longer to build the same two subqueries (1.2 ms) than
        PostgreSQL took to run the whole query, on every request."""
        return self.annotate(
            role_names=RawSQL(_role_names(), ()),  # noqa: S611  # nosec B611
            confirmed_devices=RawSQL(_confirmed_devices(), ()),  # noqa: S611  # nosec B611
        )

    def npo_staff(self) -> "models.QuerySet[User]":
        """Active counselors and supervisors: the people who may be put in charge of a case."""
        return (
            self.filter(is_active=True, groups__name__in=[Role.COUNSELOR, Role.SUPERVISOR])
            .distinct()
            .order_by("display_name", "username")
        )


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who signs in: NPO staff, city staff or a site manager. Roles are Django groups."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # Part of every session's hash: raised by the database when the user is deactivated, so her
    # sessions end for good, even if she is activated again later (security.md #8).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Set when someone else chose her password (a superuser in the admin): she must choose her own
    # at her next sign-in.
    must_change_password = models.BooleanField(
        _("must change password at next sign-in"), default=False
    )

    objects = UserManager()  # type: ignore[misc]

    # Set on the signed-in user by django-otp's middleware: whether this session passed a device.
    is_verified: Callable[[], bool]

    class Meta(AbstractUser.Meta):
        triggers = [
            pgtrigger.Trigger(
                name="end_sessions_on_deactivation",
                when=pgtrigger.Before,
                operation=pgtrigger.Update,
                func="""
                    NEW.session_epoch := GREATEST(NEW.session_epoch, OLD.session_epoch);
                    IF OLD.is_active AND NOT NEW.is_active THEN
                        NEW.session_epoch := NEW.session_epoch + 1;
                    END IF;
                    RETURN NEW;
                """,
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_username()

    def get_short_name(self) -> str:
        # The admin greets her by it (「ようこそ 管理者 はるか」, not her sign-in name).
        return str(self)

    @cached_property
    def roles(self) -> frozenset[Role]:
        # Read with her when she was read `signed_in()` (every signed-in request), else asked.
        names = getattr(self, "role_names", None)
        if names is None:
            names = self.groups.values_list("name", flat=True)
        return frozenset(Role(name) for name in names if name in Role.values)

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and not self.roles.isdisjoint(roles)

    @property
    def requires_two_factor(self) -> bool:
        """Counselors, supervisors and anyone who may use the admin must use a second factor."""
        return self.is_staff or self.is_superuser or any(r.requires_two_factor for r in self.roles)

    @property
    def primary_role(self) -> Role | None:
        """The most trusted role she holds: it decides her home page."""
        return next((role for role in BY_TRUST if role in self.roles), None)

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        """Django's hash of the password, with the session epoch: a new password or a
        deactivation ends every session made before it."""
        return salted_hmac(
            "kokona.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_home_url(self) -> str:
        home = navigation.home_of(self.primary_role) if self.primary_role else None
        if home is not None:
            return reverse(home)
        if self.is_staff:
            return reverse("admin:index")
        return reverse("no_role")


# What names a member of staff on screen (`str(user)`: her display name, else her username).
NAME_FIELDS = ("display_name", "username")


def names_of(*relations: str) -> list[str]:
    """The fields of staff joined to a record only to be named on screen, for `only()`."""
    return [f"{relation}__{name}" for relation in relations for name in NAME_FIELDS]


def named_only(*relations: str) -> list[str]:
    """What to leave out of staff joined to a record only to be named on screen, for `defer()`:
    her password hash, sign-in dates and the rest. Each column Django selects it also sets on
    every row and weighs in building the query."""
    shown = {"id", *NAME_FIELDS}
    return [
        f"{relation}__{field.attname}"
        for relation in relations
        for field in User._meta.concrete_fields
        if field.attname not in shown
    ]


@pghistory.track(
    pghistory.InsertEvent("group.add"),
    pghistory.DeleteEvent("group.remove"),
    obj_field=None,  # Django allows no foreign key to an auto-created through model
    model_name="UserGroupEvent",
)
class UserGroup(User.groups.through):  # type: ignore[misc,name-defined]
    """A user's membership of a group, i.e. of a role: tracked so that granting or taking away a
    role leaves history with who did it, not only the admin's log. A proxy, because the table is
    Django's auto-created one; pghistory installs its triggers on that table."""

    class Meta:
        proxy = True


class AdminLogEntry(LogEntry):
    """The Django admin's log, protected like the audit trail: the database refuses to change or
    delete a row. A proxy only carries the trigger (pgtrigger installs it on the admin's table);
    the admin keeps writing through LogEntry."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]


class Provenance(models.Model):
    """Who made a record and when: every record a person makes carries both."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One line of the audit trail: who did what to which record, when, from where.

    Written only through `kokona.audit.record`. The database refuses to update or delete a row.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        LOGIN = "login", _("Sign-in")
        FAILED_LOGIN = "failed-login", _("Failed sign-in")
        LOGOUT = "logout", _("Sign-out")
        DENIED = "denied", _("Access refused")
        TWO_FACTOR = "two-factor", _("Second factor change")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,  # users are deactivated, never deleted: the trail must hold
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True, default=None)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type_name}#{self.object_id}"

    @property
    def object_type_name(self) -> str:
        """「ケース」 for "consultations.case": the record type as people call it."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for confirmation")
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    APPLIED = "applied", _("Done")
    FAILED = "failed", _("Failed")


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def stale(self) -> "ImportBatchQuerySet":
        """Uploads never confirmed within a day: their content should not linger."""
        return self.filter(
            status=ImportBatch.Status.UPLOADED, uploaded_at__lt=timezone.now() - timedelta(days=1)
        )


class ImportBatch(models.Model):
    """An uploaded import file held (encrypted) from its preview until the background worker has
    applied it, then a line of the import log without the file.

    uploaded → queued (confirmed, a task enqueued) → running → applied or failed. The worker
    reports rows_done through its own connection while the apply transaction is open
    (`kokona.importing`), so the page can show progress of work not yet committed.
    """

    Status = ImportStatus

    # The name of the importer an app registered (kokona.importers), e.g. "consultations".
    kind = models.CharField(_("kind"), max_length=30)
    filename = models.CharField(_("file name"), max_length=200)
    content = EncryptedTextField(blank=True, context="kokona.importbatch.content")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.UPLOADED, db_index=True
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    rows_total = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows imported"), default=0)
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # Why it failed, one line each as shown to the supervisor. Encrypted like the file: a line
    # can quote a cell ("unknown channel 「…」"), and a cell can hold what a woman said.
    problems = EncryptedTextField(_("problems"), blank=True, context="kokona.importbatch.problems")

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="importbatch_status_valid",
            ),
            # A finished import keeps its log line, never the file.
            models.CheckConstraint(
                condition=~models.Q(status__in=[ImportStatus.APPLIED, ImportStatus.FAILED])
                | models.Q(content=""),
                name="importbatch_finished_holds_no_file",
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="importbatch_rows_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def problem_lines(self) -> list[str]:
        return self.problems.splitlines()

    def discard(self) -> None:
        self.delete()


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unseen(self) -> "NoticeQuerySet":
        return self.filter(seen_at=None)


class Notice(models.Model):
    """Something a supervisor should know and the person who caused it should not be told:
    a registration that matches a woman hidden from the counselor, a username attacked from many
    addresses. Written only through `kokona.notices.notify_supervisors`.

    `message` is an English msgid (marked with gettext_noop where it is defined) shown translated;
    `params` fill it with codes, ids and usernames only, never what a woman said.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("details"), default=dict, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice to supervisors")
        verbose_name_plural = _("notices to supervisors")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return gettext(self.message) % self.params

    def mark_seen(self, *, by: User) -> None:
        self.seen_by = by
        self.seen_at = timezone.now()
        self.save(update_fields=["seen_by", "seen_at"])


class DraftQuerySet(models.QuerySet["Draft"]):
    def live(self) -> "DraftQuerySet":
        return self.filter(saved_at__gte=timezone.now() - settings.DRAFT_LIFETIME)

    def expired(self) -> "DraftQuerySet":
        return self.filter(saved_at__lt=timezone.now() - settings.DRAFT_LIFETIME)


class Draft(models.Model):
    """A form posted after its session had ended (the idle timeout), kept for the person who was
    signed in on that browser and put back into the same form once she signs in again
    (kokona.drafts). Encrypted like other free text; gone once restored or after DRAFT_LIFETIME.

    Not tracked by history on purpose: a history row would keep the text after it is gone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(_("page"), max_length=300)
    # The posted fields as JSON ({name: [values]}), without the CSRF token or any password.
    fields = EncryptedTextField(_("what was typed"), context="kokona.draft.fields")
    saved_at = models.DateTimeField(_("saved"), default=timezone.now, db_index=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("unsent form")
        verbose_name_plural = _("unsent forms")
        ordering = ["-saved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.path}"
