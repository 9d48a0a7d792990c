from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kokona.decorators import role_required
from kokona.fiscal import current_fiscal_year
from kokona.roles import Role
from reports.kpis import kpi_rows


@require_GET
@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def home(request: HttpRequest) -> HttpResponse:
    year = current_fiscal_year()
    return render(request, "reports/home.html", {"fiscal_year": year, "rows": kpi_rows(year)})
