"""The one import pipeline's pages: upload a CSV, see what it would add, confirm, and follow the
background worker. The same for every importer an app registered (kokona.importers)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kokona import audit, importers, importing
from kokona.csvio import MAX_BYTES, ImportRefused
from kokona.decorators import role_required
from kokona.forms import ImportForm
from kokona.http import AuthenticatedHttpRequest
from kokona.importers import Importer
from kokona.models import ImportBatch
from kokona.request_size import accepts_upload
from kokona.roles import Role
from kokona.tasks import apply_import

_CSV_TYPES = {"text/csv", "application/vnd.ms-excel", "text/plain", "application/csv"}
# Who reaches the import pages at all; each importer then says who may upload its files.
_IMPORTERS = (Role.SUPERVISOR, Role.SITE_MANAGER)


def _importer_for(request: AuthenticatedHttpRequest, name: str) -> Importer:
    importer = importers.get(name)
    if importer is None:
        raise Http404
    if not request.user.has_role(*importer.uploaders):
        raise PermissionDenied  # audited, as every refusal
    return importer


@require_GET
@role_required(*_IMPORTERS)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What this user may import, and her recent imports."""
    mine = [i for i in importers.every() if request.user.has_role(*i.uploaders)]
    recent = ImportBatch.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "kokona/imports.html", {"importers": mine, "recent": recent})


def _upload_page(
    request: AuthenticatedHttpRequest,
    importer: Importer,
    form: ImportForm,
    problems: list[str],
    status: int = 200,
) -> HttpResponse:
    context = {
        "importer": importer,
        "form": form,
        "problems": problems,
        "columns": importer.column_guide(),
    }
    return render(request, "kokona/import.html", context, status=status)


@accepts_upload(max_bytes=settings.UPLOAD_MAX_BYTES)
@require_http_methods(["GET", "POST"])
@role_required(*_IMPORTERS)
def upload(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """Upload a CSV; nothing is written until the preview is confirmed."""
    importer = _importer_for(request, name)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        if not file.name.lower().endswith(".csv") or file.content_type not in _CSV_TYPES:
            problems = [_("Choose a CSV file (.csv).")]
        elif file.size > MAX_BYTES:
            problems = [_("The file is larger than 5 MB.")]
        else:
            data = file.read()
            try:
                importer.plan(data, by=request.user)
            except ImportRefused as refused:
                problems = importers.refusal_lines(refused)
            else:
                ImportBatch.objects.stale().delete()
                batch = ImportBatch.objects.create(
                    kind=importer.name,
                    filename=file.name[:200],
                    content=data.hex(),
                    uploaded_by=request.user,
                )
                return redirect("import_preview", name=importer.name, pk=batch.pk)
    status = 400 if problems or form.errors else 200
    return _upload_page(request, importer, form, problems, status)


def _get_batch_for_user(
    request: AuthenticatedHttpRequest, importer: Importer, pk: int
) -> ImportBatch:
    """The user's own upload, in whatever state; 404 otherwise, the same whether another
    person's upload exists or not, and a refusal is audited."""
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by=request.user, kind=importer.name).first()
    if batch is None:
        if ImportBatch.objects.filter(pk=pk).exists():
            audit.record(
                audit.Action.DENIED,
                by=request.user,
                object_type=ImportBatch._meta.label_lower,
                object_id=pk,
            )
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
@role_required(*_IMPORTERS)
def preview(request: AuthenticatedHttpRequest, name: str, pk: int) -> HttpResponse:
    """What the file would add, with the button that queues it; once queued, its progress.

    Confirming only queues the work: the background worker applies the file (a large one runs
    for minutes, past any web request's time limit). A second click finds the batch queued
    already and queues nothing.
    """
    importer = _importer_for(request, name)
    batch = _get_batch_for_user(request, importer, pk)
    if request.method == "POST":
        with transaction.atomic():
            queued = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.UPLOADED
            ).update(status=ImportBatch.Status.QUEUED)
            if queued:
                # The task row is written in this transaction (the database backend): the batch
                # is queued and its task exists, or neither.
                result = apply_import.enqueue(batch.pk)
                ImportBatch.objects.filter(pk=batch.pk).update(task_id=result.id)
        return redirect("import_preview", name=importer.name, pk=batch.pk)
    if batch.status != ImportBatch.Status.UPLOADED:
        context = _status_context(importer, batch)
        return render(request, "kokona/import_status.html", context)
    try:
        plan = importer.plan(bytes.fromhex(batch.content), by=request.user)
    except ImportRefused as refused:
        batch.discard()
        return _upload_page(request, importer, ImportForm(), importers.refusal_lines(refused), 400)
    context = {"importer": importer, "batch": batch, "plan": plan}
    return render(request, "kokona/import_preview.html", context)


@require_GET
@role_required(*_IMPORTERS)
def status(request: AuthenticatedHttpRequest, name: str, pk: int) -> HttpResponse:
    """The progress fragment the status page polls every 2 s until the import has finished."""
    importer = _importer_for(request, name)
    batch = _get_batch_for_user(request, importer, pk)
    return render(request, "kokona/_import_status.html", _status_context(importer, batch))


def _status_context(importer: Importer, batch: ImportBatch) -> dict[str, object]:
    abandoned = importing.is_abandoned(batch)
    return {
        "importer": importer,
        "batch": batch,
        "abandoned": abandoned,
        "polling": batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
        and not abandoned,
    }
