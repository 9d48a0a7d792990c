"""The satisfaction survey: supervisors enter paper answers one by one or as a tally and print the
QR codes; the public answers on a page of its own, with no sign-in.

The public page keeps what it needs and nothing more: the CSRF cookie, no session. Each visit is
given a signed visit token; the answer it carries is stored under a hash of that token, so the
database itself refuses a second answer from the same visit (a double tap, a resent form). A
client address may send a few answers an hour (a family filling in on one phone), no more.
"""

import io
import secrets

import segno
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kokona import audit, public, request_context
from kokona.crypto import keyed_hash
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest, page_of
from kokona.roles import Role
from reports import surveys
from reports.forms import PublicSurveyForm, SurveyAnswerForm, SurveyTallyForm
from reports.imports import program_model
from reports.models import SurveyResponse, SurveySource

PROGRAM_SALT = "reports.survey.program"
VISIT_SALT = "reports.survey.visit"
VISIT_MAX_AGE = 2 * 60 * 60  # a visit's form stays good for two hours
PER_ADDRESS_PER_HOUR = 10


def _programs():  # type: ignore[no-untyped-def]
    return program_model().objects.active().order_by("pk")


def program_token(code: str) -> str:
    """The code in a programme's QR link: signed, so nobody makes up a programme, and without a
    timestamp, so a printed code keeps working year after year."""
    return signing.Signer(salt=PROGRAM_SALT).sign(code)


@require_GET
@role_required(Role.SUPERVISOR)
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    answers = SurveyResponse.objects.select_related("program").order_by("-answered_on", "-pk")
    return render(
        request,
        "reports/surveys.html",
        {"page": page_of(answers, request.GET.get("page")), "total": answers.count()},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def survey_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SurveyAnswerForm(
        request.POST or None,
        programs=_programs(),
        initial={"answered_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            answer = SurveyResponse.objects.create(
                answered_on=form.cleaned_data["answered_on"],
                satisfaction=form.cleaned_data["satisfaction"],
                program=form.cleaned_data["program"],
                comment=form.cleaned_data["comment"],
                source=SurveySource.PAPER,
                created_by=request.user,
            )
            audit.record(audit.Action.CREATE, answer, by=request.user)
        messages.success(request, _("The answer is recorded. Enter the next sheet."))
        return redirect("reports:survey_add")
    return render(request, "reports/survey_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def survey_tally(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SurveyTallyForm(
        request.POST or None,
        programs=_programs(),
        initial={"answered_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        counts = form.counts()
        if not sum(counts.values()):
            form.add_error(None, _("Enter how many sheets ticked at least one answer."))
        else:
            added = surveys.record_tally(
                counts=counts,
                answered_on=form.cleaned_data["answered_on"],
                program=form.cleaned_data["program"],
                by=request.user,
            )
            messages.success(request, _("%d answers are recorded.") % added)
            return redirect("reports:survey_list")
    return render(request, "reports/survey_tally.html", {"form": form})


@require_GET
@role_required(Role.SUPERVISOR)
def survey_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    codes = [
        (
            program,
            request.build_absolute_uri(
                reverse("reports:public_survey", args=[program_token(program.code)])
            ),
        )
        for program in _programs()
    ]
    return render(request, "reports/survey_codes.html", {"codes": codes})


@require_GET
@role_required(Role.SUPERVISOR)
def survey_qr(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The programme's QR code as SVG, to print on the paper sheet and the venue's poster."""
    if not _programs().filter(code=code).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("reports:public_survey", args=[program_token(code)]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def _program_for(token: str):  # type: ignore[no-untyped-def]
    try:
        code = signing.Signer(salt=PROGRAM_SALT).unsign(token)
    except signing.BadSignature:
        raise Http404 from None
    program = _programs().filter(code=code).first()
    if program is None:
        raise Http404
    return program


def _too_many(request: HttpRequest) -> bool:
    """More than a few answers this hour from the same address (a hash of it: never stored)."""
    address = request_context.client_address.get() or request.META.get("REMOTE_ADDR", "")
    key = "survey-rate:" + keyed_hash(address or "-", kind="text")[:32]
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count > PER_ADDRESS_PER_HOUR


@require_http_methods(["GET", "POST"])
def public_survey(request: HttpRequest, token: str) -> HttpResponse:
    """アンケート: one question and a comment, for anyone holding the programme's QR code."""
    program = _program_for(token)
    if request.method == "POST":
        form = PublicSurveyForm(request.POST)
        if form.is_valid():
            try:
                visit = signing.loads(
                    form.cleaned_data["token"], salt=VISIT_SALT, max_age=VISIT_MAX_AGE
                )
            except signing.BadSignature:
                visit = None
            if not isinstance(visit, dict) or visit.get("p") != program.code:
                form.add_error(None, _("This form has expired. Please open the page again."))
            elif _too_many(request):
                return render(
                    request, "reports/public_survey_busy.html", public.page_context(), status=429
                )
            else:
                try:
                    with transaction.atomic():
                        SurveyResponse.objects.create(
                            answered_on=timezone.localdate(),
                            satisfaction=form.cleaned_data["satisfaction"],
                            program=program,
                            comment=form.cleaned_data["comment"],
                            source=SurveySource.WEB,
                            import_key=keyed_hash("web\x1f" + visit["v"], kind="text"),
                        )
                except IntegrityError:
                    pass  # the same visit answered already: one answer per visit
                return redirect("reports:public_thanks", token=token)
    else:
        form = PublicSurveyForm(
            initial={
                "token": signing.dumps(
                    {"p": program.code, "v": secrets.token_urlsafe(16)}, salt=VISIT_SALT
                )
            }
        )
    return render(
        request, "reports/public_survey.html", public.page_context(form=form, program=program)
    )


@require_GET
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    program = _program_for(token)
    return render(request, "reports/public_thanks.html", public.page_context(program=program))
