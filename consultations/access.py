"""The access door of every record about a woman: who may see what.

Supervisors see every record (a superuser too, for imports and commands run in her name); nobody
but NPO staff sees any. A restricted case is seen only by its counselor in charge and the
supervisors. A woman with such a case is hidden altogether from counselors who are not in charge of
any of her cases: they see neither her nor any of her records, and cannot find her by search.

Every model of hers has `Model.objects.visible_to(user)`, built on the rule below; the default
manager refuses any other read (kokona.doors). Views fetch through `get_case_for_user` and
`get_client_for_user`, which answer 404 alike for a record that is hidden and one that does not
exist, and audit the refusal. Other apps (ibasho's attendance) build on the same door.
"""

import enum
import functools
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Self, cast

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from kokona import audit
from kokona.compiled import AN_ID, Read
from kokona.doors import DoorQuerySet
from kokona.http import AuthenticatedHttpRequest
from kokona.models import User, named_only
from kokona.roles import NPO_STAFF, Role
from kokona.sql import OnColumn, column

if TYPE_CHECKING:
    from consultations.models import Case, Client, Contact


def sees_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.SUPERVISOR))


def may_see_any(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.has_role(*NPO_STAFF))


class WomanSeenBy(OnColumn):
    """The rule on the woman a row is about: `user` sees her unless she has a restricted case in
    someone else's charge and none in his. A row about no woman (an anonymous contact) passes.

    It is the SQL Django writes for `~Exists(restricted, not his) | Exists(his)`, with the same
    plans (the partial index case_restricted_client and case_assignee_client answer each), but
    written here in one go: Django built, resolved and compiled those two subqueries afresh for
    every read, about 2 ms a query and ten queries on a counselor's home (bench/README.md). The
    subqueries' aliases are kokona's own, so that no alias of an enclosing query is shadowed
    when this query is itself a subquery.
    """

    output_field = BooleanField()

    def __init__(self, woman: F, user: User) -> None:
        super().__init__(woman)
        self.user_pk = user.pk

    def sql(
        self, woman: str, params: tuple[Any, ...], connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        case = apps.get_model("consultations", "Case")._meta
        table = connection.ops.quote_name(case.db_table)
        client, assigned, restricted = (
            column(case, name, connection) for name in ("client", "assigned_to", "restricted")
        )
        # Names from the model, values as parameters.
        sql = (
            f"(NOT EXISTS(SELECT 1 FROM {table} kokona_door_r"  # noqa: S608  # nosec B608
            f" WHERE kokona_door_r.{client} = ({woman}) AND kokona_door_r.{restricted}"
            f" AND kokona_door_r.{assigned} IS DISTINCT FROM %s)"
            f" OR EXISTS(SELECT 1 FROM {table} kokona_door_c"
            f" WHERE kokona_door_c.{assigned} = %s AND kokona_door_c.{client} = ({woman})))"
        )
        return sql, (*params, self.user_pk, self.user_pk, *params)


class Door(enum.Enum):
    """The three ways through the door of her records: what `visible_to` does for a user."""

    NOTHING = "nothing"  # not NPO staff
    EVERYTHING = "everything"  # supervisors (and a superuser)
    UNHIDDEN = "unhidden"  # counselors: every woman and case not hidden from them


class PersonalQuerySet[M: models.Model](DoorQuerySet[M]):
    """Rows about a woman. A subclass says how its rows reach her and her case."""

    # The path from a row to the woman ("pk" for a Client) and to the case ("" for a Case itself,
    # None when rows have no case).
    client_path: ClassVar[str]
    case_path: ClassVar[str | None]

    def door_of(self, user: User) -> Door:
        if not may_see_any(user):
            return Door.NOTHING
        if sees_everything(user):
            return Door.EVERYTHING
        return Door.UNHIDDEN

    def visible_to(self, user: User) -> Self:
        # Her way through (`door_of`) and her id are all that the SQL below depends on: a read
        # compiled once (kokona.compiled.Read) is run for any user with the same way through.
        rows = self.through_door(user)
        door = self.door_of(user)
        if door is Door.NOTHING:
            return rows.none()
        if door is Door.EVERYTHING:
            return rows
        rows = rows.filter(WomanSeenBy(F(self.client_path), user))
        if self.case_path is not None:
            prefix = f"{self.case_path}__" if self.case_path else ""
            rows = rows.exclude(
                Q(**{f"{prefix}restricted": True}) & ~Q(**{f"{prefix}assigned_to": user})
            )
        return rows


def refuse(request: AuthenticatedHttpRequest, model: type[models.Model], pk: object) -> NoReturn:
    """404, the same whether the record is hidden or missing; a hidden one's refusal is audited."""
    rows = cast(DoorQuerySet, model._default_manager.all())
    if rows.unscoped().filter(pk=pk).exists():  # past the door, to log the refusal
        audit.record(
            audit.Action.DENIED,
            by=request.user,
            object_type=model._meta.label_lower,
            object_id=str(pk),
        )
    raise Http404


def get_case_for_user(request: AuthenticatedHttpRequest, pk: int) -> "Case":
    """The case, if the user may see it; otherwise 404."""
    case = _case_read().first(request.user, pk)
    if case is None:
        refuse(request, apps.get_model("consultations", "Case"), pk)
    return case


@functools.cache
def _case_read() -> "Read[Case]":
    # Every case view reads the case: compiled once for each way through the door.
    return Read(apps.get_model("consultations", "Case"), _case, AN_ID)


def _case(user: User, pk: int) -> "QuerySet[Case]":
    age_band = apps.get_model("consultations", "AgeBand").objects.filter(
        pk=OuterRef("client__age_band")
    )
    return (
        apps.get_model("consultations", "Case")
        .objects.visible_to(user)
        .select_related("client", "assigned_to", "primary_concern")
        # The counselor in charge is named, no more: not her password hash nor her sign-ins.
        .defer(*named_only("assigned_to"))
        # Her age band as the case page says it, a subquery and not a join of her record's
        # join: that one doubled the planning of this read (0.8-0.9 → 0.4 ms).
        .annotate(age_band_label=Subquery(age_band.order_by().values("label")))
        .filter(pk=pk)[:1]
    )


def her_open_case(user: User, client: int) -> "Case | None":
    """Her latest open case, if the user may see it: where a consultation logged on her goes."""
    return _her_open_case_read().first(user, client)


@functools.cache
def _her_open_case_read() -> "Read[Case]":
    # Read on every consultation logged: compiled once, 1 ms of its Python.
    model = apps.get_model("consultations", "Case")
    return Read(model, _her_open_case, AN_ID, constants=(model.Status.CLOSED,))


def _her_open_case(user: User, client: int) -> "QuerySet[Case]":
    rows = apps.get_model("consultations", "Case").objects.visible_to(user).filter(client=client)
    return rows.open().order_by("-opened_on", "-pk")[:1]


def get_client_for_user(request: AuthenticatedHttpRequest, pk: int) -> "Client":
    """The woman's record, if the user may see it; otherwise 404."""
    model = apps.get_model("consultations", "Client")
    client = model.objects.visible_to(request.user).select_related("age_band").filter(pk=pk).first()
    if client is None:
        refuse(request, model, pk)
    return client


def get_contact_for_user(request: AuthenticatedHttpRequest, pk: int) -> "Contact":
    """One exchange (an anonymous one-off contact, too), if the user may see it; otherwise 404."""
    model = apps.get_model("consultations", "Contact")
    contact = (
        model.objects.visible_to(request.user)
        .select_related("client", "case", "channel", "counselor")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        refuse(request, model, pk)
    return contact
