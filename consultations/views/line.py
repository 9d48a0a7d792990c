"""LINE: the webhook LINE calls, and a counselor's reply from the case page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consultations import line, line_intake
from consultations.access import get_case_for_user, refuse
from consultations.forms.line import LineReplyForm
from consultations.models import LineReply
from kokona import audit
from kokona.audit import Action
from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from kokona.roles import NPO_STAFF


@csrf_exempt  # LINE signs the body instead (X-Line-Signature); nothing else is trusted
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """LINE's webhook: a bad or missing signature gets 400 and stores nothing."""
    try:
        events = line.parse(request.body.decode("utf-8"), request.headers.get("X-Line-Signature"))
    except line.BadSignature:
        audit.record(Action.DENIED, by=None, username="line", object_type="line.webhook")
        return HttpResponseBadRequest("bad signature")
    except (UnicodeDecodeError, ValueError, KeyError):
        return HttpResponseBadRequest("bad body")
    for event in events:
        line_intake.take_event(event)
    return HttpResponse("OK")


@require_POST
@role_required(*NPO_STAFF)
def line_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    form = LineReplyForm(request.POST)
    if form.is_valid():
        try:
            line_intake.queue_reply(case=case, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your reply is on its way to her LINE."))
    else:
        messages.error(request, str(form.errors["text"][0]))
    return redirect(case)


@require_POST
@role_required(*NPO_STAFF)
def line_reply_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reply = (
        LineReply.objects.visible_to(request.user)
        .select_related("contact__case")
        .filter(pk=pk)
        .first()
    )
    if reply is None or reply.contact.case is None:
        refuse(request, LineReply, pk)
    try:
        line_intake.retry_reply(reply, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The reply will be sent again."))
    return redirect(reply.contact.case)
