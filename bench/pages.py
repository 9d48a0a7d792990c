"""The pages `make bench` measures, one line each: add a line to measure another page.

`path` receives what the benchmark found in the seeded database (`Found`) and returns the URL, or
None when the page does not exist in this version of kokona (it is then listed as skipped).
`role` names the signed-in user (None: anonymous). A POST sends `data(found)` and expects
`status` (a redirect after a save)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Found:
    """What the pages need from the seeded database."""

    counselor_id: int
    long_case: int
    woman: int
    category: int
    channel: int
    fiscal_year: int


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None
    path: Callable[[Found], str | None]
    method: str = "GET"
    data: Callable[[Found], dict[str, str]] | None = None
    status: int = 200
    # The goal: p95 at most this many times the login page's p95 in the same run.
    goal: float = 5.0
    tags: tuple[str, ...] = field(default=())
    # Sent with the request: htmx's, for a part of a page it fetches.
    headers: dict[str, str] = field(default_factory=dict)


def url(name: str, *args: object, query: str = "") -> str | None:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{path}?{query}" if query else path


def _quick_contact(found: Found) -> dict[str, str]:
    now = dt.datetime.now().replace(second=0, microsecond=0)  # noqa: DTZ005 - Japan time server
    return {
        "client": str(found.woman),
        "channel": str(found.channel),
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "categories": str(found.category),
        "urgency": "normal",
        "summary": "ベンチマークの相談（架空）",
        "stage": "informed",
    }


def _filtered(found: Found) -> str | None:
    year_ago = dt.date.today() - dt.timedelta(days=365)  # noqa: DTZ011
    return url(
        "consultations:case_list",
        query=f"status=all&category={found.category}&channel={found.channel}"
        f"&date_from={year_ago:%Y-%m-%d}",
    )


PAGES = [
    Page("login", None, lambda f: url("login")),
    # What every signed-in page costs before its own work: session, user, second factor and
    # roles read, the session saved (the idle timeout), the base layout drawn.
    Page("signed-in floor (account page)", "counselor", lambda f: url("account")),
    Page("counselor home", "counselor", lambda f: url("consultations:home")),
    # A panel of the home, read only when she opens it.
    Page("home: recent exchanges (opened)", "counselor", lambda f: url("consultations:recent")),
    Page("case list", "counselor", lambda f: url("consultations:case_list")),
    Page("case list (filtered)", "counselor", _filtered),
    # The filtered list's panel as htmx fetches it when she opens it: its form alone, the
    # filters chosen.
    Page(
        "case list: filters opened",
        "counselor",
        lambda f: (_filtered(f) or "") + "&panel=filters" if _filtered(f) else None,
        headers={"HX-Request": "true", "HX-Target": "filters-body"},
    ),
    Page(
        "case page (200 entries)",
        "counselor",
        lambda f: url("consultations:case_detail", f.long_case),
    ),
    Page(
        "quick contact POST",
        "counselor",
        lambda f: url("consultations:record"),
        method="POST",
        data=_quick_contact,
        status=302,
    ),
    Page("site list", "site_manager", lambda f: url("supplies:site_list")),
    Page("restock round", "site_manager", lambda f: url("supplies:round")),
    Page("session calendar", "counselor", lambda f: url("ibasho:home")),
    Page(
        "city dashboard (year)",
        "city_staff",
        lambda f: url("reports:dashboard", f.fiscal_year),
        goal=10.0,
    ),
    Page("KPI CSV", "city_staff", lambda f: url("reports:export_csv", f.fiscal_year), goal=10.0),
]
