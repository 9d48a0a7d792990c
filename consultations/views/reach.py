"""Where outreach works: the report for supervisors, and for city staff as aggregates with
small counts hidden (consultations.reach_report)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from consultations import reach_report
from kokona.decorators import role_required
from kokona.fiscal import current_fiscal_year, fiscal_year_label
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import Role

FIRST_YEAR = 2021


@require_GET
@role_required(Role.SUPERVISOR, Role.CITY_STAFF)
def outreach_report(request: AuthenticatedHttpRequest, year: int | None = None) -> HttpResponse:
    this_year = current_fiscal_year()
    if year is None:
        return redirect("consultations:outreach_report", year=this_year)
    if not FIRST_YEAR <= year <= this_year:
        return redirect("consultations:outreach_report", year=this_year)
    mask = not request.user.has_role(Role.SUPERVISOR)
    context = {
        "year": year,
        "year_label": fiscal_year_label(year),
        "years": [(y, fiscal_year_label(y)) for y in range(this_year, FIRST_YEAR - 1, -1)],
        "masked": mask,
        "report": reach_report.outreach(year, mask=mask),
    }
    return render(request, "consultations/outreach_report.html", context)
