"""目標値: the city's target for each indicator and fiscal year. Supervisors set them, saying why;
city staff read them, and why they changed."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kokona.decorators import role_required
from kokona.fiscal import fiscal_year_label
from kokona.http import AuthenticatedHttpRequest
from kokona.indicators import get as get_indicator
from kokona.indicators import indicators
from kokona.roles import Role
from reports.forms import TargetForm
from reports.models import Target, TargetChange
from reports.services import set_target
from reports.views import checked_year, year_choices


@require_GET
@role_required(Role.SUPERVISOR, Role.CITY_STAFF)
def target_list(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    checked_year(year)
    targets = {t.indicator: t for t in Target.objects.filter(fiscal_year=year)}
    changes = (
        TargetChange.objects.filter(target__fiscal_year=year)
        .select_related("target", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    rows = [(i.code, i.name, i.unit, targets.get(i.code)) for i in indicators()]
    return render(
        request,
        "reports/targets.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year),
            "years": year_choices(),
            "rows": rows,
            "changes": changes,
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def target_edit(request: AuthenticatedHttpRequest, year: int, code: str) -> HttpResponse:
    checked_year(year)
    indicator = get_indicator(code)
    if indicator is None:
        raise Http404
    target = Target.objects.filter(indicator=code, fiscal_year=year).first()
    form = TargetForm(request.POST or None, initial={"value": target.value if target else None})
    if request.method == "POST" and form.is_valid():
        set_target(
            code=code,
            year=year,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The target is saved."))
        return redirect("reports:targets", year=year)
    return render(
        request,
        "reports/target_edit.html",
        {
            "form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "indicator": indicator,
            "target": target,
        },
    )
