"""The 居場所 KPIs, by fiscal year in Japan time (kokona.fiscal).

`ibasho_sessions` and `ibasho_attendance` are design.md's: sessions held (not cancelled) in the
year, and the attendance of those sessions, registered women who came plus the head count of those
who gave no name. A session is held once it has begun: one still to come in the current year is
planned, not held. `ibasho_participants` counts distinct registered women who came; and
`childcare_children` the children cared for while their mothers took part.

They count every record, past the access door (`unscoped`): a count is not a record, and only
counts leave this module.
"""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from ibasho.models import Attendance, Program, Session
from kokona.fiscal import JST
from kokona.indicators import (
    Table,
    Value,
    register,
    register_breakdown,
    register_monthly,
    twelve_months,
    vocabulary_rows,
)


def _held(fiscal_year: int):  # type: ignore[no-untyped-def]
    return Session.objects.held().in_fiscal_year(fiscal_year)


def _came(fiscal_year: int):  # type: ignore[no-untyped-def]
    return Attendance.objects.unscoped().attended().filter(session__in=_held(fiscal_year))


@register(
    "ibasho_sessions", _("Drop-in sessions held"), unit=pgettext_lazy("unit", "sessions"), order=60
)
def ibasho_sessions(fiscal_year: int) -> int:
    return _held(fiscal_year).count()


@register("ibasho_attendance", _("Drop-in attendance"), unit=_("people"), order=70)
def ibasho_attendance(fiscal_year: int) -> int:
    """延べ参加者数: each registered woman who came, each time, plus each head counted."""
    anonymous = _held(fiscal_year).aggregate(n=Sum("anonymous_count"))["n"] or 0
    return _came(fiscal_year).count() + anonymous


@register(
    "ibasho_participants", _("Women taking part in the drop-in space"), unit=_("people"), order=80
)
def ibasho_participants(fiscal_year: int) -> int:
    """実人数: distinct registered women who came at least once in the year."""
    return _came(fiscal_year).aggregate(n=Count("client", distinct=True))["n"]


@register("childcare_children", _("Children in childcare"), unit=_("children"), order=90)
def childcare_children(fiscal_year: int) -> int:
    """延べ託児人数: the children of registered women who came, and of those counted by head."""
    registered = _came(fiscal_year).aggregate(n=Sum("children"))["n"] or 0
    anonymous = _held(fiscal_year).aggregate(n=Sum("anonymous_children"))["n"] or 0
    return registered + anonymous


@register_monthly("ibasho_sessions")
def ibasho_sessions_by_month(fiscal_year: int) -> list[Value]:
    rows = (
        _held(fiscal_year)
        .annotate(month=TruncMonth("starts_at", tzinfo=JST))
        .values("month")
        .order_by("month")
        .annotate(n=Count("pk"))
    )
    return twelve_months(fiscal_year, ((r["month"], r["n"]) for r in rows))


@register_monthly("ibasho_attendance")
def ibasho_attendance_by_month(fiscal_year: int) -> list[Value]:
    anonymous = (
        _held(fiscal_year)
        .annotate(month=TruncMonth("starts_at", tzinfo=JST))
        .values("month")
        .order_by("month")
        .annotate(n=Sum("anonymous_count"))
    )
    came = (
        _came(fiscal_year)
        .annotate(month=TruncMonth("session__starts_at", tzinfo=JST))
        .values("month")
        .order_by("month")
        .annotate(n=Count("pk"))
    )
    heads = twelve_months(fiscal_year, ((r["month"], r["n"]) for r in anonymous))
    women = twelve_months(fiscal_year, ((r["month"], r["n"]) for r in came))
    return [int(a or 0) + int(b or 0) for a, b in zip(heads, women, strict=True)]


@register_breakdown(
    "ibasho_by_program",
    pgettext_lazy("breakdown", "Drop-in sessions, attendance and childcare by programme"),
    of="ibasho_attendance",
    order=10,
)
def ibasho_by_program(fiscal_year: int) -> Table:
    held = (
        _held(fiscal_year)
        .order_by()
        .values("program")
        .annotate(
            n=Count("pk"), heads=Sum("anonymous_count"), heads_children=Sum("anonymous_children")
        )
    )
    came = (
        _came(fiscal_year)
        .order_by()
        .values("session__program")
        .annotate(n=Count("pk"), children=Sum("children"))
    )
    women = {r["session__program"]: (r["n"], r["children"] or 0) for r in came}
    counts: dict[object, list[Value]] = {}
    for r in held:
        attended, children = women.get(r["program"], (0, 0))
        counts[r["program"]] = [
            r["n"],
            attended + (r["heads"] or 0),
            children + (r["heads_children"] or 0),
        ]
    return Table(
        [
            pgettext("breakdown", "Sessions held"),
            pgettext("breakdown", "Attendance"),
            pgettext("breakdown", "Children in childcare"),
        ],
        vocabulary_rows(Program.objects.all(), counts, width=3),
    )
