"""Taking attendance: registered women (found through the consultations door), the head count of
those who give no name, children in childcare, and the women who help run the session.

Places are checked with the session's row locked, so two counselors adding the last place at the
same moment cannot both get it; an expert's slot is held by one woman by a database constraint.
A woman who helps run a session (volunteer, peer supporter, lecturer) has it recorded as her
活躍の機会 on her case, through consultations.services.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import services as consultations
from consultations.models import Client
from ibasho.models import HOLDS_A_PLACE, Attendance, Role, Session, Status
from ibasho.services import places_taken
from kokona import audit
from kokona.audit import Action
from kokona.models import User


def _locked(session: Session) -> Session:
    locked = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
    if locked.cancelled:
        raise ValidationError(_("This session is cancelled: nobody can be added to it."))
    return locked


def _check_room(
    session: Session,
    *,
    women: int = 0,
    children: int = 0,
    anonymous: int | None = None,
    anonymous_children: int | None = None,
) -> None:
    """Refuse, in words, what would pass the places or the childcare places of a session.

    `women` and `children` are added to what is taken; `anonymous` and `anonymous_children`
    replace the head counts when given.
    """
    taken_women, taken_children = places_taken([session])[session.pk]
    heads = session.anonymous_count if anonymous is None else anonymous
    kids = session.anonymous_children if anonymous_children is None else anonymous_children
    if session.capacity is not None and women + taken_women + heads > session.capacity:
        if session.program.by_appointment:
            raise ValidationError(_("This slot is already booked. Choose another slot."))
        raise ValidationError(
            _(
                "The session is full: %(taken)d of %(capacity)d places are taken. Raise its"
                " places first if the room allows more."
            )
            % {"taken": taken_women + heads, "capacity": session.capacity}
        )
    wanted = children + taken_children + kids
    if wanted and not session.childcare_places:
        raise ValidationError(_("This session has no childcare."))
    if wanted > session.childcare_places:
        raise ValidationError(
            _(
                "Childcare is full: %(taken)d of %(places)d children's places are taken"
                " (%(wanted)d wanted)."
            )
            % {
                "taken": taken_children + kids,
                "places": session.childcare_places,
                "wanted": wanted,
            }
        )


def _takes_a_place(role: str, status: str) -> bool:
    return status in HOLDS_A_PLACE and not Role(role).helps_run


def _role_taken(attendance: Attendance, session: Session) -> str:
    what = Role(attendance.role).label
    return f"{what}（{attendance.helped_with}）" if attendance.helped_with else str(what)


def _sync_activity(attendance: Attendance, session: Session, *, by: User) -> None:
    """Her 活躍の機会 exists exactly while she is recorded as having helped run the session."""
    helped = Role(attendance.role).helps_run and attendance.status == Status.ATTENDED
    if attendance.activity_id is not None and not helped:
        consultations.withdraw_activity(by=by, activity=attendance.activity)  # type: ignore[arg-type]
        attendance.activity = None
    elif helped and attendance.activity_id is None:
        attendance.activity = consultations.record_role_taken(
            by=by,
            client=attendance.client,
            done_on=session.date,
            role_taken=_role_taken(attendance, session)[:60],
            notes=f"{session.program} {session.date:%Y-%m-%d}",
        )
    else:
        return
    Attendance._base_manager.filter(pk=attendance.pk).update(activity=attendance.activity)


@transaction.atomic
def add_attendance(
    *,
    by: User,
    session: Session,
    client: Client,
    role: str = Role.PARTICIPANT,
    status: str = Status.ATTENDED,
    children: int = 0,
    helped_with: str = "",
) -> Attendance:
    """Put a woman (found through `by`'s door) on a session's list: booked ahead, or there now.

    In an expert's slot she is the one consulting. Places, childcare places and the slot are
    checked; a refusal says why in words the counselor can act on.
    """
    session = _locked(session)
    if session.program.by_appointment:
        role = Role.CONSULTEE
    elif role == Role.CONSULTEE:
        role = Role.PARTICIPANT
    # Past the door on purpose: she was found through it; this only asks whether she is listed.
    if Attendance.objects.unscoped().filter(session=session, client=client).exists():
        raise ValidationError(
            _("%(name)s is already on this session's list.") % {"name": client.nickname}
        )
    _check_room(
        session,
        women=1 if _takes_a_place(role, status) else 0,
        children=children if status in HOLDS_A_PLACE else 0,
    )
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                client=client,
                role=role,
                status=status,
                children=children,
                helped_with=helped_with,
                created_by=by,
            )
    except IntegrityError:
        # Two bookings of one slot at the same moment: the database keeps the first.
        raise ValidationError(_("This slot is already booked. Choose another slot.")) from None
    _sync_activity(attendance, session, by=by)
    audit.record(Action.CREATE, attendance, by=by, detail={"session": session.pk})
    return attendance


@transaction.atomic
def change_attendance(
    *,
    by: User,
    attendance: Attendance,
    status: str | None = None,
    children: int | None = None,
    role: str | None = None,
    helped_with: str | None = None,
) -> Attendance:
    """Mark her as having come, not come, or cancelled; change her children or her role."""
    session = _locked(attendance.session)
    changes = {
        name: value
        for name, value in (
            ("status", status),
            ("children", children),
            ("role", role),
            ("helped_with", helped_with),
        )
        if value is not None and value != getattr(attendance, name)
    }
    if session.program.by_appointment:
        changes.pop("role", None)
    elif changes.get("role") == Role.CONSULTEE:
        changes.pop("role")
    if not changes:
        return attendance
    new_role = str(changes.get("role", attendance.role))
    new_status = str(changes.get("status", attendance.status))
    new_children = int(changes.get("children", attendance.children))
    before = (
        _takes_a_place(attendance.role, attendance.status),
        attendance.children if attendance.holds_a_place else 0,
    )
    after = (
        _takes_a_place(new_role, new_status),
        new_children if new_status in HOLDS_A_PLACE else 0,
    )
    _check_room(
        session, women=max(0, int(after[0]) - int(before[0])), children=max(0, after[1] - before[1])
    )
    for name, value in changes.items():
        setattr(attendance, name, value)
    attendance.updated_at = timezone.now()
    try:
        with transaction.atomic():
            attendance.save(update_fields=[*changes, "updated_at"])
    except IntegrityError:
        raise ValidationError(_("This slot is already booked. Choose another slot.")) from None
    _sync_activity(attendance, session, by=by)
    audit.record(Action.UPDATE, attendance, by=by, detail={"fields": sorted(changes)})
    return attendance


@transaction.atomic
def set_head_count(
    *, by: User, session: Session, anonymous_count: int, anonymous_children: int
) -> Session:
    """The women who came without giving a name, and their children in childcare: numbers only."""
    locked = _locked(session)
    if anonymous_count < 0 or anonymous_children < 0:
        raise ValidationError(_("A count cannot be negative."))
    _check_room(locked, anonymous=anonymous_count, anonymous_children=anonymous_children)
    Session.objects.filter(pk=locked.pk).update(
        anonymous_count=anonymous_count,
        anonymous_children=anonymous_children,
        updated_at=timezone.now(),
    )
    audit.record(
        Action.UPDATE,
        locked,
        by=by,
        detail={"anonymous_count": anonymous_count, "anonymous_children": anonymous_children},
    )
    session.refresh_from_db()
    return session
