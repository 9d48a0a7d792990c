import datetime as dt

from django import template
from django.utils import timezone

from kokona import fiscal

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    """2021 → 令和3年度（2021年度）"""
    return fiscal.fiscal_year_label(int(year))


@register.filter
def short_date(value: dt.date | dt.datetime | None) -> str:
    """11月29日 this year, 2021年12月26日 otherwise: an old date must not pass for a recent one."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if value.year == timezone.localdate().year:
        return f"{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def short_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{short_date(local)} {local.hour}:{local.minute:02d}"
