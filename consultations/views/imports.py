"""The supervisors' CSV import: upload, preview, confirm, then follow the background worker."""

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consultations import imports, tasks
from consultations.forms import ImportForm
from kokona import audit, importing
from kokona.csvio import MAX_BYTES, ImportRefused
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.models import ImportBatch
from kokona.request_size import accepts_upload
from kokona.roles import Role

# --- import ------------------------------------------------------------------------------------

_CSV_TYPES = {"text/csv", "application/vnd.ms-excel", "text/plain", "application/csv"}


@accepts_upload(max_bytes=settings.UPLOAD_MAX_BYTES)
@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a CSV; nothing is written until the preview is confirmed."""
    user = request.user
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


def _get_batch_for_user(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    """The user's own upload, in whatever state; 404 otherwise, the same whether another
    supervisor's upload exists or not, and a refusal is audited."""
    batch = ImportBatch.objects.filter(
        pk=pk, uploaded_by=request.user, kind=ImportBatch.Kind.CONSULTATIONS
    ).first()
    if batch is None:
        if ImportBatch.objects.filter(pk=pk).exists():
            audit.record(
                audit.Action.DENIED, by=request.user, object_type="kokona.importbatch", object_id=pk
            )
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the file would add, with the button that queues it; once queued, its progress.

    Confirming only queues the work: the background worker applies the file (a large one runs
    for minutes, past any web request's time limit). A second click finds the batch queued
    already and queues nothing.
    """
    batch = _get_batch_for_user(request, pk)
    if request.method == "POST":
        with transaction.atomic():
            queued = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.UPLOADED
            ).update(status=ImportBatch.Status.QUEUED)
            if queued:
                # The task row is written in this transaction (the database backend): the batch
                # is queued and its task exists, or neither.
                result = tasks.apply_import.enqueue(batch.pk)
                ImportBatch.objects.filter(pk=batch.pk).update(task_id=result.id)
        return redirect("consultations:import_preview", pk=batch.pk)
    if batch.status != ImportBatch.Status.UPLOADED:
        return render(request, "consultations/import_status.html", _status_context(batch))
    try:
        plan = imports.plan(bytes.fromhex(batch.content), by=request.user)
    except ImportRefused as refused:
        batch.discard()
        context = {
            "form": ImportForm(),
            "problems": imports.refusal_lines(refused),
            "columns": imports.column_guide(),
        }
        return render(request, "consultations/import.html", context, status=400)
    return render(request, "consultations/import_preview.html", {"batch": batch, "plan": plan})


@require_GET
@role_required(Role.SUPERVISOR)
def import_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the status page polls every 2 s until the import has finished."""
    batch = _get_batch_for_user(request, pk)
    return render(request, "consultations/_import_status.html", _status_context(batch))


def _status_context(batch: ImportBatch) -> dict[str, object]:
    abandoned = importing.is_abandoned(batch)
    return {
        "batch": batch,
        "abandoned": abandoned,
        "polling": batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
        and not abandoned,
    }
