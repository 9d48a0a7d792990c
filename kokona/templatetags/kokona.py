import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kokona import fiscal, widgets

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    """2021 → 令和3年度（2021年度）"""
    return fiscal.fiscal_year_label(int(year))


@register.filter
def short_date(value: dt.date | dt.datetime | None, today: dt.date | None = None) -> str:
    """11月29日 this year, 2021年12月26日 otherwise: an old date must not pass for a recent one.
    (`today`, when a caller drawing many dates has it, spares asking the clock for each.)"""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if value.year == (today or timezone.localdate()).year:
        return f"{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def short_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{short_date(local)} {local.hour}:{local.minute:02d}"


@register.simple_block_tag
def capture(content: str) -> str:
    """Draw a piece once and keep it, to show it again in a loop (`{% capture as head %}…`):
    a table head repeated on every stop of a round sheet is translated once, not on each."""
    return content


@register.simple_block_tag
def scroll_region(content: str, label: str = "", labelledby: str = "") -> SafeString:
    """A wide table in a box that scrolls sideways on a phone. The box is a named region a
    keyboard can reach (tabindex 0), so someone without a mouse or touch can scroll it too
    (WCAG 2.1.1, 4.1.2; axe's scrollable-region-focusable). Name it by `label` or by the id of
    its heading (`labelledby`):

        {% scroll_region _("Access log") %}<table>…</table>{% endscroll_region %}
    """
    if labelledby:
        name = format_html('aria-labelledby="{}"', labelledby)
    else:
        name = format_html('aria-label="{}"', label)
    return format_html(
        '<div class="table-wrap" role="region" {} tabindex="0">{}</div>', name, content
    )


@register.simple_tag
def select_options(optgroups: widgets.OptGroups) -> SafeString:
    """A select's options, written in one go (kokona.widgets says why)."""
    return widgets.select_options(optgroups)


@register.simple_tag
def chip_inputs(optgroups: widgets.OptGroups) -> SafeString:
    """The radio buttons or check boxes of forms/chips.html, written in one go."""
    return widgets.chip_inputs(optgroups)
