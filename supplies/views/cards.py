"""The cards' short addresses: a printable A4 sheet of cards with the QR code of a placement or a
site, and the scans counted for it. The address leads to the public landing page
(consultations.public); this app only names it."""

import datetime as dt

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kokona.decorators import role_required
from kokona.http import AuthenticatedHttpRequest
from supplies.models import CardLink, OutreachPlacement, ScanDay, Site
from supplies.qr import qr_svg
from supplies.views import MANAGERS

CARDS_PER_SHEET = 8  # 2 × 4 business-card-sized cards on A4


def card_url(request: HttpRequest, link: CardLink) -> str:
    path = reverse("reach:landing", args=[link.code])
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def card_panel(request: HttpRequest, link: CardLink) -> dict[str, object]:
    """What a placement's or a site's page shows of its card: address, QR code, scans."""
    today = timezone.localdate()
    scans = ScanDay.objects.filter(link=link)
    url = card_url(request, link)
    return {
        "link": link,
        "url": url,
        "qr": qr_svg(url, title=url),
        "scans_30_days": scans.filter(day__gt=today - dt.timedelta(days=30)).aggregate(
            total=Sum("scans")
        )["total"]
        or 0,
        "scans_total": scans.aggregate(total=Sum("scans"))["total"] or 0,
    }


def _sheet(request: HttpRequest, link: CardLink, back: str) -> HttpResponse:
    url = card_url(request, link)
    context = {
        "link": link,
        "url": url,
        "qr": qr_svg(url, title=url),
        "cards": range(CARDS_PER_SHEET),
        "back": back,
    }
    return render(request, "supplies/card_sheet.html", context)


@require_GET
@role_required(*MANAGERS)
def placement_cards(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(OutreachPlacement, pk=pk)
    return _sheet(request, CardLink.objects.for_placement(placement), placement.get_absolute_url())


@require_GET
@role_required(*MANAGERS)
def site_cards(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    return _sheet(request, CardLink.objects.for_site(site), site.get_absolute_url())
