"""The public pages a card's QR code leads to: no sign-in, no cookie, nothing from elsewhere.

A woman who scans a card in a toilet may be watched, or share her phone. The pages are calm, say
who we are and how to reach us, carry a 「すぐに閉じる」 button that leaves for a neutral site
without a trace in the history (static/js/reach.js), and never show anything about any woman.
The scan is counted as a number per card per day (supplies.ScanDay).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consultations import intake
from consultations.forms.public import WebConsultationForm
from consultations.models import ReachSettings
from kokona.client_address import client_ip
from supplies.models import CardLink, ScanDay


def card_link(code: str) -> CardLink:
    link = CardLink.objects.filter(code=code).first()
    if link is None:
        raise Http404
    return link


def public_context(**extra: object) -> dict[str, object]:
    return {"reach": ReachSettings.current(), **extra}


@require_GET
def landing(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The page behind a card's QR code (or /r/ without one): who we are, how to reach us."""
    link = card_link(code) if code else None
    if link is not None:
        ScanDay.count(link)
    return render(request, "reach/landing.html", public_context(code=code))


@require_http_methods(["GET", "POST"])
def web_form(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The anonymous web consultation. It needs the CSRF cookie, the only cookie of these pages.

    A robot that fills the hidden field is thanked and nothing is stored; an address that sends
    too often is asked to wait (429), with what she wrote kept in the form.
    """
    link = card_link(code) if code else None
    form = WebConsultationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_robot:
            return redirect("reach:sent")
        if intake.throttled(client_ip(request)):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Many messages came from this connection. Please wait an hour and send it again, or call us."
                ),
            )
            status = 429
        elif form.is_valid():
            intake.take_web_consultation(
                message=form.cleaned_data["message"],
                nickname=form.cleaned_data["nickname"],
                age_band=form.cleaned_data["age_band"],
                reply_by=form.cleaned_data["reply_by"],
                handle=form.cleaned_data["handle"],
                card_link=link,
            )
            return redirect("reach:sent")
        else:
            status = 400
    context = public_context(form=form, code=code)
    return render(request, "reach/form.html", context, status=status)


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "reach/sent.html", public_context())
