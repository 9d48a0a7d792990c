"""The supervisors' CSV import: upload, preview, confirm."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consultations import imports
from consultations.forms import ImportForm
from consultations.views.common import user_of
from kokona.csvio import MAX_BYTES, ImportRefused
from kokona.models import ImportBatch
from kokona.roles import Role, role_required

# --- import ------------------------------------------------------------------------------------

_CSV_TYPES = {"text/csv", "application/vnd.ms-excel", "text/plain", "application/csv"}


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV; nothing is written until the preview is confirmed."""
    user = user_of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv") or upload.content_type not in _CSV_TYPES:
            problems = [_("Choose a CSV file (.csv).")]
        elif upload.size > MAX_BYTES:
            problems = [_("The file is larger than 5 MB.")]
        else:
            data = upload.read()
            try:
                imports.plan(data, by=user)
            except ImportRefused as refused:
                problems = imports.refusal_lines(refused)
            else:
                ImportBatch.objects.stale().delete()
                batch = ImportBatch.objects.create(
                    kind=ImportBatch.Kind.CONSULTATIONS,
                    filename=upload.name[:200],
                    content=data.hex(),
                    uploaded_by=user,
                )
                return redirect("consultations:import_preview", pk=batch.pk)
    status = 400 if problems or form.errors else 200
    context = {"form": form, "problems": problems, "columns": imports.column_guide()}
    return render(request, "consultations/import.html", context, status=status)


def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    """The user's own pending upload, locked until this request ends: a double click on
    "import" applies it once."""
    batch = (
        ImportBatch.objects.select_for_update()
        .filter(
            pk=pk,
            uploaded_by=user_of(request),
            kind=ImportBatch.Kind.CONSULTATIONS,
            applied_at=None,
        )
        .first()
    )
    if batch is None:
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
@transaction.atomic
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the file would add; confirming writes it all, or nothing if it no longer fits."""
    batch = _get_batch_for_user(request, pk)
    try:
        plan = imports.plan(bytes.fromhex(batch.content), by=user_of(request))
    except ImportRefused as refused:
        batch.discard()
        context = {
            "form": ImportForm(),
            "problems": imports.refusal_lines(refused),
            "columns": imports.column_guide(),
        }
        return render(request, "consultations/import.html", context, status=400)
    if request.method == "POST":
        added = imports.apply(plan, by=user_of(request), request=request)
        batch.mark_applied({"added": added, "already_imported": plan.already_imported})
        messages.success(request, _("%(count)d contacts were imported.") % {"count": added})
        return redirect("consultations:case_list")
    return render(request, "consultations/import_preview.html", {"batch": batch, "plan": plan})
