"""One exchange on its own: above all the anonymous one-off contacts of 「担当者のいない新しい相談」,
which a counselor opens, takes, and joins to a woman we know when she writes again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consultations import search, services
from consultations.access import get_client_for_user, get_contact_for_user
from kokona import audit
from kokona.audit import Action
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import NPO_STAFF


def _page(
    request: AuthenticatedHttpRequest, contact: object, *, status: int = 200, query: str = ""
) -> HttpResponse:
    matches = search.search_clients(request.user, query) if query else []
    context = {"contact": contact, "query": query, "matches": matches, "searched": bool(query)}
    return render(request, "consultations/contact.html", context, status=status)


@require_GET
@role_required(*NPO_STAFF)
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request, pk)
    if contact.case is not None:
        return redirect(contact.case)  # her story is on her case page
    audit.record(Action.VIEW, contact, by=request.user)
    return _page(request, contact)


@require_POST
@role_required(*NPO_STAFF)
def contact_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request, pk)
    try:
        services.take_contact(contact, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You have taken this contact."))
    return redirect("consultations:contact_detail", pk=contact.pk)


@require_POST
@role_required(*NPO_STAFF)
def contact_join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Find her (a POST: no name in a URL), then join the contact to the woman chosen."""
    contact = get_contact_for_user(request, pk)
    chosen = request.POST.get("client", "")
    if "search" in request.POST or not chosen.isdigit():
        audit.record(Action.VIEW, contact, by=request.user)
        return _page(request, contact, query=request.POST.get("q", "").strip())
    client = get_client_for_user(request, int(chosen))
    try:
        case = services.join_contact(contact, client, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("consultations:contact_detail", pk=contact.pk)
    messages.success(request, _("The contact was joined to her case."))
    return redirect(case)
