"""The site manager's home, the restock round and the ledger."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, page_of
from supplies import queries
from supplies.forms import RoundForm
from supplies.models import Item
from supplies.models.ledger import Kind
from supplies.views import MANAGERS


@require_GET
@role_required(*MANAGERS)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What needs restocking, what moved lately, what the store holds."""
    return render(request, "supplies/home.html", {"home": queries.home()})


@require_GET
@role_required(*MANAGERS)
def restock_round(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sites that need a visit, by area, with suggested quantities: also the A4 sheet for
    the person driving the round (print CSS)."""
    form = RoundForm(request.GET or None)
    days = form.cleaned_data["not_visited_for"] if form.is_valid() else None
    context = {
        "form": form,
        "round": queries.restock_round(not_visited_for=days),
        "window_days": queries.WINDOW_DAYS,
        "cover_days": queries.COVER_DAYS,
    }
    return render(request, "supplies/round.html", context)


@require_GET
@role_required(*MANAGERS)
def movement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every movement, newest first: the ledger as it is, corrections included."""
    movements = queries.recent_movements()
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        movements = movements.filter(kind=kind)
    item = request.GET.get("item", "")
    if item.isdigit():
        movements = movements.filter(item_id=int(item))
    page = page_of(movements, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "kinds": Kind.choices,
        "kind": kind,
        "items": Item.objects.all(),
        "item": item,
    }
    return render(request, "supplies/movements.html", context)
