"""カード設置: the list, a placement's page, adding and editing one, and the export."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, filter_panel, filters_of, page_of
from kokona.locking import CONFLICT
from supplies import exports
from supplies.forms import PlacementFilterForm, PlacementForm
from supplies.models import CardLink, OutreachPlacement
from supplies.views import MANAGERS
from supplies.views.cards import card_panel
from supplies.views.records import VersionConflict, conflict, save_record


@require_GET
@role_required(*MANAGERS)
def placement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = filters_of(request, PlacementFilterForm)
    if panel := filter_panel(request, filters):
        return panel
    placements = OutreachPlacement.objects.select_related("area", "site")
    cleaned = filters.cleaned
    status = cleaned.get("status") or "active"
    if status == "active":
        placements = placements.active_on()
    elif status == "removed":
        placements = placements.removed()
    if kind := cleaned.get("kind"):
        placements = placements.filter(kind=kind)
    if area := cleaned.get("area"):
        placements = placements.filter(area=area)
    page = page_of(placements.order_by("area__order", "name"), request.GET.get("page"))
    context = {"filters": filters, "page": page, "query": filters.query}
    return render(request, "supplies/placements.html", context)


@require_GET
@role_required(*MANAGERS)
def placement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(
        OutreachPlacement.objects.select_related("area", "site", "created_by"), pk=pk
    )
    card = card_panel(request, CardLink.objects.for_placement(placement))
    return render(request, "supplies/placement.html", {"placement": placement, "card": card})


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def placement_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    placement = get_object_or_404(OutreachPlacement, pk=pk) if pk else OutreachPlacement()
    form = PlacementForm(request.POST or None, instance=placement)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save_record(form, by=request.user)
            except VersionConflict:
                form = conflict(request, form)
                status = CONFLICT
            else:
                messages.success(request, _("The placement was saved."))
                return redirect(saved)
        else:
            status = 400
    context = {"form": form, "placement": placement if pk else None}
    return render(request, "supplies/placement_edit.html", context, status=status)


@require_GET
@role_required(*MANAGERS)
def placement_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    return exports.download(
        exports.PlacementResource, OutreachPlacement.objects.all(), fmt, by=request.user
    )
