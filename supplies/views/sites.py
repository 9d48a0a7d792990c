"""The sites: the list with its filters, a site's page, adding and editing one, and the export."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, filter_panel, filters_of, page_of
from kokona.locking import CONFLICT
from kokona.roles import Role
from supplies import exports, queries
from supplies.forms import SiteFilterForm, SiteForm
from supplies.models import CardLink, Site
from supplies.views import MANAGERS, READERS
from supplies.views.cards import card_panel
from supplies.views.records import VersionConflict, conflict, save_record


@require_GET
@role_required(*READERS)
def site_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = filters_of(request, SiteFilterForm)
    if panel := filter_panel(request, filters):
        return panel
    page = page_of(queries.filtered_sites(filters.cleaned), request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "query": filters.query,
        "manages": request.user.has_role(*MANAGERS),
    }
    return render(request, "supplies/sites.html", context)


@require_GET
@role_required(*READERS)
def site_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Details, stock per item, movement history and the placements it looks after."""
    site = get_object_or_404(queries.sites_with_stock(), pk=pk)
    context = {
        "site": site,
        "stock": queries.stock_lines(site, queries.all_items()),
        "history": page_of(
            queries.recent_movements().filter(site=site), request.GET.get("page"), size=20
        ),
        "placements": site.placements.select_related("area").order_by("name"),
        "manages": request.user.has_role(*MANAGERS),
        "is_supervisor": request.user.has_role(Role.SUPERVISOR),
    }
    if context["manages"]:
        context["card"] = card_panel(request, CardLink.objects.for_site(site))
    return render(request, "supplies/site.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def site_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = save_record(form, by=request.user)
        messages.success(request, _("The site was added."))
        return redirect(site)
    status = 400 if form.errors else 200
    return render(request, "supplies/site_edit.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def site_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_record(form, by=request.user)
            except VersionConflict:
                form = conflict(request, form)
                status = CONFLICT
            else:
                messages.success(request, _("The site was saved."))
                return redirect(site)
        else:
            status = 400
    return render(request, "supplies/site_edit.html", {"form": form, "site": site}, status=status)


@require_GET
@role_required(*MANAGERS)
def site_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The sites as CSV or Excel, in the columns the import takes back."""
    return exports.download(exports.SiteResource, Site.objects.all(), fmt, by=request.user)
