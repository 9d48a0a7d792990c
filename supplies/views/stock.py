"""The ledger's short forms: 補充を記録, a stock-take, a hand-out, a receipt at the store, a
disposal, and the correction of a mistake. Each writes through supplies.services, which refuses
what would take stock below zero; the refusal comes back on the form, in Japanese."""

import uuid

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from supplies import queries, services
from supplies.forms import (
    DisposalForm,
    HandOutForm,
    ReceiptForm,
    RestockForm,
    ReverseForm,
    StockTakeForm,
)
from supplies.models import STORE_LABEL, Item, Site
from supplies.views import MANAGERS, READERS


def _items() -> list[Item]:
    return list(Item.objects.active())


def _page(
    request: AuthenticatedHttpRequest, template: str, form: Form, **context: object
) -> HttpResponse:
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def restock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """補充を記録: what was left at the site and what was delivered, in one short form."""
    site = get_object_or_404(Site, pk=pk)
    items = _items()
    form = RestockForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        lines = [
            services.RestockLine(
                item, form.value("remaining", item), form.value("delivered", item) or 0
            )
            for item in items
        ]
        try:
            services.restock(
                site=site,
                lines=lines,
                on=form.cleaned_data["moved_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.NotEnoughStock as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The restock was recorded."))
            return redirect(site)
    stock = queries.stock_lines(site, items)
    return _page(request, "supplies/restock.html", form, site=site, stock=stock)


def _stock_take(request: AuthenticatedHttpRequest, site: Site | None) -> HttpResponse:
    items = _items()
    form = StockTakeForm(request.POST or None, items=items)
    back = site.get_absolute_url() if site else reverse("supplies:home")
    if request.method == "POST" and form.is_valid():
        counts = {
            item: count for item in items if (count := form.value("counted", item)) is not None
        }
        services.take_stock(
            site=site,
            counts=counts,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["moved_on"],
            by=request.user,
        )
        messages.success(request, _("The count was recorded; differences were adjusted."))
        return redirect(back)
    stock = queries.stock_lines(site, items)
    place = str(site) if site else str(STORE_LABEL)
    return _page(
        request, "supplies/stock_take.html", form, site=site, place=place, stock=stock, back=back
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def site_stock_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _stock_take(request, get_object_or_404(Site, pk=pk))


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def store_stock_take(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _stock_take(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def hand_out(request: AuthenticatedHttpRequest) -> HttpResponse:
    """提供: packs handed out, at a site or at the NPO. Nothing about whom."""
    initial = {}
    if (site_id := request.GET.get("site", "")).isdigit():
        initial["site"] = int(site_id)
    form = HandOutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        try:
            services.hand_out(
                item=form.cleaned_data["item"],
                quantity=form.cleaned_data["quantity"],
                site=site,
                on=form.cleaned_data["moved_on"],
                by=request.user,
            )
        except services.NotEnoughStock as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The hand-out was recorded."))
            return redirect(site or "supplies:site_list")
    return _page(request, "supplies/hand_out.html", form)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def receive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """受入: packs bought or donated arrive at the store."""
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.receive(
            item=form.cleaned_data["item"],
            quantity=form.cleaned_data["quantity"],
            source=form.cleaned_data["source"],
            on=form.cleaned_data["moved_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The receipt was recorded."))
        return redirect("supplies:home")
    return _page(request, "supplies/receive.html", form)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def dispose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """廃棄: damaged or out-of-date packs, at the store or a site."""
    form = DisposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        try:
            services.dispose(
                item=form.cleaned_data["item"],
                quantity=form.cleaned_data["quantity"],
                site=site,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["moved_on"],
                by=request.user,
            )
        except services.NotEnoughStock as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The disposal was recorded."))
            return redirect(site or "supplies:home")
    return _page(request, "supplies/dispose.html", form)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def reverse_entry(request: AuthenticatedHttpRequest, entry: uuid.UUID) -> HttpResponse:
    """A mistake corrected by running the entry the other way; the rows themselves stay."""
    rows = list(queries.recent_movements().filter(entry=entry))
    if not rows:
        raise Http404
    form = ReverseForm(request.POST or None)
    site = next((row.site for row in rows if row.site), None)
    back = site.get_absolute_url() if site else reverse("supplies:movement_list")
    if request.method == "POST" and form.is_valid():
        try:
            services.reverse_entry(entry=entry, reason=form.cleaned_data["reason"], by=request.user)
        except (services.CannotReverse, services.NotEnoughStock) as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect(back)
    return _page(request, "supplies/reverse.html", form, rows=rows, back=back)
