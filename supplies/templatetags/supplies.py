import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

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
