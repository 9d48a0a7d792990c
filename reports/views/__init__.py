"""The dashboard of a fiscal year, the year selector and the lock of a reported year."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kokona import audit
from kokona.decorators import role_required
from kokona.fiscal import current_fiscal_year, fiscal_year_label
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import Role
from reports import dashboard as dashboards
from reports.models import Target, YearLock
from reports.wareki import wareki_date

READERS = (Role.CITY_STAFF, Role.SUPERVISOR, Role.COUNSELOR, Role.SITE_MANAGER)
FIRST_YEAR = 2019  # 令和元年度: the project began in 令和3年度, its pilot before


def checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= current_fiscal_year() + 1:
        raise Http404
    return year


def year_choices() -> list[tuple[int, str]]:
    return [(y, fiscal_year_label(y)) for y in range(current_fiscal_year(), FIRST_YEAR - 1, -1)]


def reader_view(user: object) -> dict[str, object]:
    """How a role reads the figures: city staff and site managers with small counts hidden and
    the locked snapshot; site managers the supplies figures only."""
    has_role = user.has_role  # type: ignore[attr-defined]
    npo = has_role(Role.SUPERVISOR, Role.COUNSELOR)
    codes = None if npo or has_role(Role.CITY_STAFF) else dashboards.SUPPLIES
    return {"city": not npo, "codes": codes}


@require_GET
@role_required(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    """The current year's dashboard, or the year the selector asked for."""
    try:
        year = int(request.GET.get("year", current_fiscal_year()))
    except ValueError:
        year = current_fiscal_year()
    return redirect("reports:dashboard", year=checked_year(year))


@require_GET
@role_required(*READERS)
def dashboard(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    board = dashboards.build(checked_year(year), **reader_view(request.user))  # type: ignore[arg-type]
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "year": year,
            "year_label": fiscal_year_label(year),
            "years": year_choices(),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
            "has_targets": Target.objects.filter(fiscal_year=year).exists(),
            "as_of_wareki": wareki_date(board.as_of),
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def lock_year(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Freeze the year's figures as reported: the city reads this snapshot from now on."""
    checked_year(year)
    try:
        with transaction.atomic():
            lock = YearLock.objects.create(
                fiscal_year=year, figures=dashboards.figures(year), locked_by=request.user
            )
            audit.record(audit.Action.CREATE, lock, by=request.user, detail={"lock": year})
    except IntegrityError:
        messages.info(request, _("This year's figures were locked already."))
    else:
        messages.success(
            request, _("The figures of %s are locked as reported.") % fiscal_year_label(year)
        )
    return redirect("reports:dashboard", year=year)
