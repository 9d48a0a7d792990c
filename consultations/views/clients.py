"""A woman's record: her page, its edit, and the export of everything held on her."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import export, export_sheets, queries, services
from consultations.access import get_client_for_user
from consultations.forms import ClientForm
from consultations.models import Client
from kokona import audit, step_up
from kokona.audit import Action
from kokona.decorators import role_required
from kokona.forms import PasswordConfirmForm
from kokona.http import AuthenticatedHttpRequest
from kokona.locking import CONFLICT, VersionConflict, conflict_form
from kokona.roles import NPO_STAFF, Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- clients -----------------------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(request, pk)
    audit.record(Action.VIEW, client, by=request.user)
    return _client_page(request, client, PasswordConfirmForm(request.user))


def _client_page(
    request: AuthenticatedHttpRequest,
    client: Client,
    export_form: PasswordConfirmForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "client": client,
        "cases": queries.client_cases(client, request.user),
        "export_form": export_form,
        "is_supervisor": request.user.has_role(Role.SUPERVISOR),
    }
    return render(request, "consultations/client.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def client_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(request, pk)
    form = ClientForm(request.POST or None, instance=client)
    status = 200
    if request.method == "GET":
        audit.record(Action.VIEW, client, by=request.user, detail={"page": "edit"})
    elif form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f != "version"}
        try:
            services.update_client(
                by=request.user,
                client=client,
                expected_version=form.cleaned_data["version"],
                fields=fields,
            )
        except VersionConflict:
            form = conflict_form(request, client, lambda data: ClientForm(data, instance=client))
            status = CONFLICT
        else:
            messages.success(request, _("Her record was saved."))
            return redirect(client)
    else:
        status = 400
    return render(
        request, "consultations/client_edit.html", {"client": client, "form": form}, status=status
    )


@require_POST
@role_required(Role.SUPERVISOR)
def client_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything held on one woman, as a Japanese Excel workbook she can read or as JSON: a
    step-up (the password again) comes first. A wrong password shows beside the field, with the
    tries left, the export panel still open."""
    client = get_client_for_user(request, pk)
    form = step_up.checked_form(request, step="export", target=client)
    if not form.is_valid():
        audit.record(Action.VIEW, client, by=request.user)
        return _client_page(request, client, form, status=400)
    data = export.client_export(client, request.user)
    as_excel = request.POST.get("format") == "xlsx"
    audit.record(
        Action.EXPORT, client, by=request.user, detail={"format": "xlsx" if as_excel else "json"}
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    if as_excel:
        response = HttpResponse(export_sheets.client_workbook(data), content_type=XLSX)
        extension = "xlsx"
    else:
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        extension = "json"
    response["Content-Disposition"] = (
        f'attachment; filename="client-{client.pk}-{stamp}.{extension}"'
    )
    return response
