"""The counselors' screens. Every view: fetch through the access door → form → act → redirect."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import imports, queries, services
from consultations.forms import (
    NEW,
    ActivityForm,
    AssignForm,
    CaseFilterForm,
    CaseForm,
    ClientForm,
    ContactForm,
    ImportForm,
    QuickContactForm,
    ReferralForm,
    StatusForm,
)
from consultations.models import Case, Client
from kokona import audit
from kokona.audit import Action
from kokona.csvio import MAX_BYTES, ImportRefused
from kokona.forms import PasswordConfirmForm
from kokona.models import ImportBatch, User
from kokona.roles import NPO_STAFF, Role, role_required

# --- the access door ---------------------------------------------------------------------------


def get_case_for_user(request: HttpRequest, pk: int) -> Case:
    """The case, if the user may see it; otherwise 404, the same whether it exists or not."""
    user: User = request.user  # type: ignore[assignment]
    case = (
        Case.objects.visible_to(user)
        .select_related("client", "client__age_band", "assigned_to", "primary_concern")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        if Case.objects.filter(pk=pk).exists():
            audit.record(request, Action.DENIED, object_type="consultations.case", object_id=pk)
        raise Http404
    return case


def get_client_for_user(request: HttpRequest, pk: int) -> Client:
    user: User = request.user  # type: ignore[assignment]
    client = Client.objects.visible_to(user).select_related("age_band").filter(pk=pk).first()
    if client is None:
        if Client.objects.filter(pk=pk).exists():
            audit.record(request, Action.DENIED, object_type="consultations.client", object_id=pk)
        raise Http404
    return client


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- home and the quick form -------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/home.html", {"home": queries.home(_user(request))})


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def record_contact(request: HttpRequest) -> HttpResponse:
    """相談を記録: find or register the woman and log the exchange, on one screen.

    The search posts the whole form back (the 検索 button, without JavaScript) so that nothing
    typed is lost and no name or phone number ends up in a URL.
    """
    user = _user(request)
    searching = "search" in request.POST
    form = QuickContactForm(request.POST or None, user=user)
    if request.method == "POST" and not searching and form.is_valid():
        contact = services.log_consultation(
            request=request,
            client=form.chosen_client,
            new_client=form.new_client_fields() if form.cleaned_data["client"] == NEW else None,
            contact=form.contact_fields(),
            referral=form.referral_fields(),
        )
        messages.success(request, _("The consultation was recorded."))
        if contact.case is not None:
            return redirect(contact.case)
        return redirect("consultations:home")
    query = request.POST.get("q", "")
    matches = queries.search_clients(user, query)
    matches += [c for c in form.duplicates if c not in matches]
    if form.chosen_client is not None and form.chosen_client not in matches:
        matches.insert(0, form.chosen_client)
    context = {
        "form": form,
        "query": query,
        "matches": matches,
        "selected": request.POST.get("client", NEW),
        "searched": searching,
        "is_supervisor": user.has_role(Role.SUPERVISOR),
    }
    status = 400 if request.method == "POST" and not searching else 200
    return render(request, "consultations/record.html", context, status=status)


@require_POST
@role_required(*NPO_STAFF)
def client_search(request: HttpRequest) -> HttpResponse:
    """Find a woman by nickname, code or handle. A POST, so that a name or a phone number being
    searched never appears in a URL or a log line.

    As you type in the quick form (htmx) it answers with choices; elsewhere with links to her page.
    """
    query = request.POST.get("q", "")
    context = {
        "query": query,
        "matches": queries.search_clients(_user(request), query),
        "selected": request.POST.get("client", NEW),
        "searched": True,
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "consultations/client_search.html", context)
    if request.POST.get("as") == "links":
        return render(request, "consultations/_client_links.html", context)
    return render(request, "consultations/_client_choices.html", context)


# --- cases -------------------------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = CaseFilterForm(request.GET or None)
    cleaned: dict[str, object] = {}
    if filters.is_bound:
        # The valid filters still apply when one is wrong; the wrong one shows its message.
        filters.is_valid()
        cleaned = filters.cleaned_data
    page = queries.page_of(queries.filtered_cases(user, cleaned), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    template = "consultations/_case_table.html" if request.htmx else "consultations/cases.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _case_page(request: HttpRequest, case: Case, **forms: object) -> HttpResponse:
    """The case page, also when a form on it comes back with errors: a read of her record
    either way, so it is audited here."""
    user = _user(request)
    audit.record(request, Action.VIEW, case)
    context = {
        "case": case,
        "timeline": queries.timeline(case),
        "status_form": forms.get("status_form") or StatusForm(case=case),
        "assign_form": forms.get("assign_form") or AssignForm(case=case),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "referral_form": forms.get("referral_form") or ReferralForm(user=user),
        "activity_form": forms.get("activity_form") or ActivityForm(),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "open_panel": forms.get("open_panel", ""),
    }
    status = 409 if forms.get("conflict") else (400 if forms else 200)
    return TemplateResponse(request, "consultations/case.html", context, status=status)


@require_GET
@role_required(*NPO_STAFF)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    return _case_page(request, case)


def _current(data: QueryDict, record: Case | Client) -> QueryDict:
    """The posted form again, now on the version just saved by someone else: what the user
    typed is kept, and saving once more (after a look) goes through."""
    record.refresh_from_db()
    data = data.copy()
    data["version"] = str(record.version)
    return data


def _conflict(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else saved this case after you opened it. Their changes are kept; yours are"
            " still in the form below: check the page and save again."
        ),
    )


@require_POST
@role_required(*NPO_STAFF)
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = StatusForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.change_status(
                request=request,
                case=case,
                to=Case.Status(form.cleaned_data["to"]),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.VersionConflict:
            _conflict(request)
            form = StatusForm(_current(request.POST, case), case=case)
            return _case_page(request, case, status_form=form, conflict=True, open_panel="status")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(case)
    return _case_page(request, case, status_form=form, open_panel="status")


@require_POST
@role_required(*NPO_STAFF)
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.assign_case(
                request=request,
                case=case,
                to=form.cleaned_data["assigned_to"],
                expected_version=form.cleaned_data["version"],
            )
        except services.VersionConflict:
            _conflict(request)
            form = AssignForm(_current(request.POST, case), case=case)
            return _case_page(request, case, assign_form=form, conflict=True, open_panel="assign")
        except ValidationError as error:
            form.add_error("assigned_to", error)
        else:
            messages.success(request, _("The counselor in charge was changed."))
            return redirect(case)
    return _case_page(request, case, assign_form=form, open_panel="assign")


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = CaseForm(request.POST or None, instance=case, user=_user(request))
    status = 200
    if request.method == "GET":
        audit.record(request, Action.VIEW, case, detail={"page": "edit"})
    elif form.is_valid():
        try:
            services.update_case(
                request=request,
                case=case,
                expected_version=form.cleaned_data["version"],
                fields=form.changed_fields(),
                categories=form.cleaned_data["categories"]
                if "categories" in form.changed_data
                else None,
            )
        except services.VersionConflict:
            _conflict(request)
            form = CaseForm(_current(request.POST, case), instance=case, user=_user(request))
            status = 409
        else:
            messages.success(request, _("The case was saved."))
            return redirect(case)
    else:
        status = 400
    context = {"case": case, "form": form, "conflict": status == 409}
    return render(request, "consultations/case_edit.html", context, status=status)


@require_POST
@role_required(*NPO_STAFF)
def case_add_contact(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    user = _user(request)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_contact(
                request=request,
                by=user,
                counselor=user,
                client=case.client,
                case=case,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contact was added."))
            return redirect(case)
    return _case_page(request, case, contact_form=form, open_panel="contact")


@require_POST
@role_required(*NPO_STAFF)
def case_add_referral(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    user = _user(request)
    form = ReferralForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_case(
                request=request,
                by=user,
                case=case,
                agency=data["agency"],
                stage=data["stage"],
                referred_on=data["referred_on"],
                shares_information=data["shares_information"],
                consent_recorded=data["consent_recorded"],
                override_reason=data.get("override_reason", ""),
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The referral was recorded."))
            return redirect(case)
    return _case_page(request, case, referral_form=form, open_panel="referral")


@require_POST
@role_required(*NPO_STAFF)
def case_add_activity(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        services.record_activity(request=request, case=case, **form.cleaned_data)
        messages.success(request, _("The support was recorded."))
        return redirect(case)
    return _case_page(request, case, activity_form=form, open_panel="activity")


@require_GET
@role_required(Role.SUPERVISOR)
def case_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    audit.record(request, Action.VIEW, case, detail={"page": "access-log"})
    page = queries.page_of(queries.access_log(case), request.GET.get("page"))
    return render(request, "consultations/access_log.html", {"case": case, "page": page})


# --- clients -----------------------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(request, pk)
    audit.record(request, Action.VIEW, client)
    context = {
        "client": client,
        "cases": queries.client_cases(client, _user(request)),
        "export_form": PasswordConfirmForm(_user(request)),
        "is_supervisor": _user(request).has_role(Role.SUPERVISOR),
    }
    return render(request, "consultations/client.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(request, pk)
    form = ClientForm(request.POST or None, instance=client)
    status = 200
    if request.method == "GET":
        audit.record(request, Action.VIEW, client, detail={"page": "edit"})
    elif form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f != "version"}
        try:
            services.update_client(
                request=request,
                client=client,
                expected_version=form.cleaned_data["version"],
                fields=fields,
            )
        except services.VersionConflict:
            _conflict(request)
            form = ClientForm(_current(request.POST, client), instance=client)
            status = 409
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
def client_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one woman, as JSON: a step-up (the password again) comes first."""
    client = get_client_for_user(request, pk)
    form = PasswordConfirmForm(_user(request), request.POST)
    if not form.is_valid():
        audit.record(request, Action.DENIED, client, detail={"export": "password"})
        messages.error(request, str(form.errors["password"][0]))
        return redirect(client)
    data = queries.client_export(client, _user(request))
    audit.record(request, Action.EXPORT, client, detail={"format": "json"})
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-{stamp}.json"'
    return response


# --- import ------------------------------------------------------------------------------------

_CSV_TYPES = {"text/csv", "application/vnd.ms-excel", "text/plain", "application/csv"}


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV; nothing is written until the preview is confirmed."""
    user = _user(request)
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
                imports.plan(data)
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
            uploaded_by=_user(request),
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
        plan = imports.plan(bytes.fromhex(batch.content))
    except ImportRefused as refused:
        batch.discard()
        context = {
            "form": ImportForm(),
            "problems": imports.refusal_lines(refused),
            "columns": imports.column_guide(),
        }
        return render(request, "consultations/import.html", context, status=400)
    if request.method == "POST":
        added = imports.apply(plan, by=_user(request), request=request)
        batch.mark_applied({"added": added, "already_imported": plan.already_imported})
        messages.success(request, _("%(count)d contacts were imported.") % {"count": added})
        return redirect("consultations:case_list")
    return render(request, "consultations/import_preview.html", {"batch": batch, "plan": plan})
