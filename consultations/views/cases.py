"""The case list and the case page with its actions in place."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultations import line_intake, queries, services, timelines
from consultations.access import get_case_for_user
from consultations.case_list import page as case_list_page
from consultations.forms import (
    ActivityForm,
    AssignForm,
    CaseFilterForm,
    CaseForm,
    ContactForm,
    ReferralForm,
    StatusForm,
)
from consultations.forms.line import LineReplyForm
from consultations.models import Case, CaseStatus
from kokona import audit
from kokona.audit import Action
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, filter_panel, filters_of, page_of
from kokona.locking import CONFLICT, VersionConflict, conflict_form
from kokona.models import User
from kokona.roles import NPO_STAFF, Role

# --- cases -------------------------------------------------------------------------------------


@require_GET
@role_required(*NPO_STAFF)
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = filters_of(request, CaseFilterForm)
    if panel := filter_panel(request, filters, live="case-table"):
        return panel
    page = case_list_page(request.user, filters.cleaned, request.GET.get("page"))
    context = {"filters": filters, "page": page, "query": filters.query}
    # The filter form swaps the table in as it changes (what the closed panel says comes with it);
    # the panel, as it opens, fetches itself alone (filter_panel, above).
    table = request.htmx.target == "case-table"
    template = "consultations/_case_table.html" if table else "consultations/cases.html"
    return render(request, template, context)


# The action panels of the case page, each with its form. A panel's form is rendered only when
# it is open: when it comes back with errors, when the panel is asked for (`?panel=`, and htmx
# fetches it as the panel is opened), and the status panel of a closed case, open from the start.
# Building and rendering five forms with their staff, vocabulary and agency choices on every view
# was a quarter of the page's time (bench/README.md).
PANELS = ("contact", "activity", "referral", "status", "assign")
# Where each panel's form posts: a form kept at the idle sign-out (kokona/drafts.py) opens its
# panel again, so that the script finds the form to put her words back into.
PANEL_ACTIONS = {
    "contact": "consultations:case_add_contact",
    "activity": "consultations:case_add_activity",
    "referral": "consultations:case_add_referral",
    "status": "consultations:case_status",
    "assign": "consultations:case_assign",
}


def _panel_form(name: str, case: Case, user: User) -> object:
    return {
        "contact": lambda: ContactForm(),
        "activity": lambda: ActivityForm(),
        "referral": lambda: ReferralForm(user=user),
        "status": lambda: StatusForm(case=case),
        "assign": lambda: AssignForm(case=case),
    }[name]()


def _case_page(request: AuthenticatedHttpRequest, case: Case, **forms: object) -> HttpResponse:
    """The case page, also when a form on it comes back with errors: a read of her record
    either way, so it is audited here. Only the open panel's form is built."""
    user = request.user
    audit.record(Action.VIEW, case, by=request.user)
    open_panel = str(forms.get("open_panel") or "")
    asked = request.GET.get("panel", "") if request.method == "GET" else ""
    if not open_panel and asked in PANELS:
        open_panel = asked
    kept_action = (getattr(request, "kokona_draft", None) or {}).get("action")
    if not open_panel and kept_action:
        open_panel = next(
            (
                name
                for name, url in PANEL_ACTIONS.items()
                if reverse(url, args=[case.pk]) == kept_action
            ),
            "",
        )
    context: dict[str, object] = {
        "case": case,
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "open_panel": open_panel,
        "line": (line := line_intake.case_panel(case, user)),
        # Her LINE panel's form, only for a woman who writes on LINE.
        "line_form": LineReplyForm() if line is not None else None,
    }
    context |= timelines.timeline_page(case, user, whole="story" in request.GET)
    shown = {open_panel} | ({"status"} if case.is_closed else set())
    for name in PANELS:
        if name in shown:
            context[f"{name}_form"] = forms.get(f"{name}_form") or _panel_form(name, case, user)
    status = 409 if forms.get("conflict") else (400 if forms else 200)
    return TemplateResponse(request, "consultations/case.html", context, status=status)


@require_GET
@role_required(*NPO_STAFF)
def case_panel(request: AuthenticatedHttpRequest, pk: int, panel: str) -> HttpResponse:
    """One action panel's form, fetched as the panel opens (htmx). Not a read of her record:
    the form shows nothing of hers, so no audit event; the access door still applies."""
    case = get_case_for_user(request, pk)
    if panel not in PANELS or (panel == "assign" and not request.user.has_role(Role.SUPERVISOR)):
        raise Http404
    context = {
        "case": case,
        "panel": panel,
        "form": _panel_form(panel, case, request.user),
        "open_panel": "",
    }
    return render(request, "consultations/_case_panel.html", context)


@require_GET
@role_required(*NPO_STAFF)
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    return _case_page(request, case)


@require_POST
@role_required(*NPO_STAFF)
def case_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = StatusForm(request.POST, case=case)
    if form.is_valid():
        try:
            case.change_status(
                CaseStatus(form.cleaned_data["to"]),
                reason=form.cleaned_data["reason"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data.get("outcome"),
                follow_up_due=form.cleaned_data.get("follow_up_due"),
            )
        except VersionConflict:
            form = conflict_form(request, case, lambda data: StatusForm(data, case=case))
            return _case_page(request, case, status_form=form, conflict=True, open_panel="status")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(case)
    return _case_page(request, case, status_form=form, open_panel="status")


@require_POST
@role_required(*NPO_STAFF)
def case_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        try:
            case.assign(
                form.cleaned_data["assigned_to"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except VersionConflict:
            form = conflict_form(request, case, lambda data: AssignForm(data, case=case))
            return _case_page(request, case, assign_form=form, conflict=True, open_panel="assign")
        except ValidationError as error:
            form.add_error("assigned_to", error)
        else:
            messages.success(request, _("The counselor in charge was changed."))
            return redirect(case)
    return _case_page(request, case, assign_form=form, open_panel="assign")


@require_http_methods(["GET", "POST"])
@role_required(*NPO_STAFF)
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    status = 200
    if request.method == "GET":
        audit.record(Action.VIEW, case, by=request.user, detail={"page": "edit"})
    elif form.is_valid():
        try:
            services.update_case(
                by=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                fields=form.changed_fields(),
                categories=form.cleaned_data["categories"]
                if "categories" in form.changed_data
                else None,
            )
        except VersionConflict:
            form = conflict_form(
                request, case, lambda data: CaseForm(data, instance=case, user=request.user)
            )
            status = CONFLICT
        else:
            messages.success(request, _("The case was saved."))
            return redirect(case)
    else:
        status = 400
    context = {"case": case, "form": form, "conflict": status == CONFLICT}
    return render(request, "consultations/case_edit.html", context, status=status)


@require_POST
@role_required(*NPO_STAFF)
def case_add_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    user = request.user
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_contact(
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
def case_add_referral(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    user = request.user
    form = ReferralForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_case(
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
def case_add_activity(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.record_activity(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The support was recorded."))
            return redirect(case)
    return _case_page(request, case, activity_form=form, open_panel="activity")


@require_GET
@role_required(Role.SUPERVISOR)
def case_access_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    audit.record(Action.VIEW, case, by=request.user, detail={"page": "access-log"})
    page = page_of(queries.access_log(case), request.GET.get("page"))
    for event in page:
        event.what_changed = queries.what_changed(event)
    context = {"case": case, "page": page, "case_type": Case._meta.label_lower}
    return render(request, "consultations/access_log.html", context)
