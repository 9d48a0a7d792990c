"""The counselor's home, the quick form and the search for a woman."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import queries, search, services
from consultations.access import get_client_for_user
from consultations.forms import NEW, QuickContactForm, guess_handle_kind
from consultations.models import Client
from kokona import drafts
from kokona.crypto import HANDLE_KINDS
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import NPO_STAFF, Role

# --- home and the quick form -------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The recent exchanges are read as their panel opens (`recent`); without JavaScript its link
    # opens the home with them (?panel=recent).
    recent = request.GET.get("panel") == "recent"
    context = {
        "home": queries.home(request.user),
        "recent": queries.recent_exchanges(request.user) if recent else None,
        "is_supervisor": request.user.has_role(Role.SUPERVISOR),
    }
    return render(request, "consultations/home.html", context)


@require_GET
@role_required(*NPO_STAFF)
def recent(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home's 「Recent exchanges on my cases」, fetched as the panel opens (htmx)."""
    context = {"recent": queries.recent_exchanges(request.user)}
    return render(request, "consultations/_recent.html", context)


@require_GET
@role_required(*NPO_STAFF)
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home's 「New contacts nobody has taken」, polled by htmx: a web-form or LINE message
    shows within seconds, without a reload."""
    return render(request, "consultations/_inbox.html", {"unassigned": queries.inbox(request.user)})


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def record_contact(request: AuthenticatedHttpRequest) -> HttpResponse:
    """相談を記録: find or register the woman and log the exchange, on one screen.

    The search posts the whole form back (the 検索 button, without JavaScript) so that nothing
    typed is lost and no name or phone number ends up in a URL.
    """
    user = request.user
    searching = "search" in request.POST
    # Sent after her session had ended and now back (kokona.drafts): the script fills the fields,
    # the woman she had chosen must be among the choices for it to tick.
    restored = drafts.restored_fields(request)
    chosen = request.POST.get("client", "") or next(iter(restored.get("client", [])), "")
    data = request.POST.copy() if request.method == "POST" else None
    query = (request.POST.get("q", "") or next(iter(restored.get("q", [])), "")).strip()
    kind = guess_handle_kind(query) if searching else None
    if data is not None and kind and not data.get("handle"):
        # A LINE ID or a number typed into the search goes on into a new registration.
        data["handle"], data["handle_kind"] = query, kind
    form = QuickContactForm(
        data,
        user=user,
        chosen_client=get_client_for_user(request, int(chosen)) if chosen.isdigit() else None,
    )
    if request.method == "POST" and not searching and form.is_valid():
        contact = services.log_consultation(
            by=user,
            client=form.chosen_client,
            new_client=form.new_client_fields() if form.cleaned_data["client"] == NEW else None,
            contact=form.contact_fields(),
            referral=form.referral_fields(),
        )
        messages.success(request, _("The consultation was recorded."))
        if contact.case is not None:
            return redirect(contact.case)
        return redirect("consultations:home")
    found = search.search_clients(user, query)
    # Her and the likely duplicates too, told apart like the search's own results.
    wanted = [c.pk for c in (form.chosen_client, *form.duplicates) if c is not None]
    missing = [pk for pk in wanted if pk not in {c.pk for c in found}]
    if missing:
        found += search.tell_apart(Client.objects.visible_to(user).filter(pk__in=missing), user)
    matches = sorted(found, key=lambda client: client != form.chosen_client)  # her first
    context = {
        "form": form,
        "query": query,
        "matches": matches,
        "selected": chosen or NEW,
        "searched": searching,
        "is_supervisor": user.has_role(Role.SUPERVISOR),
    }
    status = 400 if request.method == "POST" and not searching else 200
    return render(request, "consultations/record.html", context, status=status)


@require_POST
@role_required(*NPO_STAFF)
def client_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a woman by nickname, code or handle. A POST, so that a name or a phone number being
    searched never appears in a URL or a log line.

    As you type in the quick form (htmx) it answers with choices; elsewhere with links to her page.
    """
    query = request.POST.get("q", "")
    context = {
        "query": query,
        "matches": search.search_clients(request.user, query),
        "selected": request.POST.get("client", NEW),
        "searched": True,
    }
    if not request.htmx:
        return render(request, "consultations/client_search.html", context)
    if request.POST.get("as") == "links":
        return render(request, "consultations/_client_links.html", context)
    return render(request, "consultations/_client_choices.html", context)


@require_POST
@role_required(*NPO_STAFF)
def likely_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """While she types a new woman's name or handle: women already known by it, among those the
    counselor may see (a match hidden from her is told to a supervisor at registration only)."""
    nickname = request.POST.get("nickname", "")
    kind, handle = request.POST.get("handle_kind", ""), request.POST.get("handle", "").strip()
    handles = {kind: handle} if kind in HANDLE_KINDS and handle else {}
    found = services.likely_duplicates(nickname=nickname, handles=handles, user=request.user)
    matches = search.tell_apart(
        Client.objects.visible_to(request.user).filter(pk__in=[c.pk for c in found]), request.user
    )
    context = {"matches": matches, "selected": request.POST.get("client", NEW)}
    return render(request, "consultations/_duplicates.html", context)
