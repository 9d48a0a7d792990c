import datetime as dt
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kokona.http import path_of
from supplies.queries import RoundStop

register = template.Library()


@register.filter
def days_since(day: dt.date | None) -> str:
    """「12日前」, 「今日」: how long since the last delivery; a dash when there was none."""
    if day is None:
        return _("never")
    days = (timezone.localdate() - day).days
    if days <= 0:
        return _("today")
    return _("%d days ago") % days


@register.filter
def signed(quantity: int) -> str:
    """+10 or −3: a change of stock, its direction visible."""
    return f"+{quantity}" if quantity > 0 else f"−{-quantity}" if quantity < 0 else "±0"


@register.simple_tag
def round_stop(stop: RoundStop, head: str) -> SafeString:
    """One site of the restock round sheet (templates/supplies/round.html): where it is and whom
    to ask, its stock on the books, and each item's count and suggested delivery under `head`,
    the table head the sheet draws once.

    Written here in Python, as the case rows are (consultations/templatetags/cases.py): a round
    of 18 stops drew some 150 table cells through the template engine, 0.4 ms a stop."""
    site = stop.site
    reach = " · ".join(escape(part) for part in (site.phone, site.contact_person) if part)
    books = _("%(stock)s packs on the books (restock at %(threshold)s)") % {
        "stock": site.product_stock,  # type: ignore[attr-defined]
        "threshold": site.restock_threshold,
    }
    last = _("Last delivery") + " " + days_since(site.last_delivery_on)  # type: ignore[attr-defined]
    notes = f" · {escape(site.delivery_notes)}" if site.delivery_notes else ""
    lines = "".join(
        f'<tr><th scope="row">{escape(str(line.item))}</th><td class="num">{line.stock}</td>'
        f'<td class="num"><strong>{line.suggested}</strong> {escape(line.item.unit_label)}</td>'
        '<td class="print-only blank"></td><td class="print-only blank"></td></tr>'
        for line in stop.lines
    )
    restock = escape(_("Record a restock"))
    html = (
        '\n  <article class="round-stop">\n    <header class="round-stop__head">'
        '\n      <span class="tick" aria-hidden="true"></span>'
        f'\n      <h3><a href="{site.get_absolute_url()}">{escape(site.name)}</a></h3>'
        f'\n      <p class="small">{escape(site.address)}{" · " if reach else ""}{reach}</p>'
        f'\n      <p class="small muted">{escape(books)} · {escape(last)}{notes}</p>'
        f'\n    </header>\n    <table class="round-table">\n      {head}\n      <tbody>\n        {lines}'
        "\n      </tbody>\n    </table>"
        f'\n    <p class="screen-only"><a href="{path_of("supplies:restock", site.pk)}">'
        f"{restock}</a></p>\n  </article>"
    )
    # Every value above is escaped as it is written in; `head` is the sheet's own drawing.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
