from django import template

from kokona import fiscal

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    """2021 → 令和3年度（2021年度）"""
    return fiscal.fiscal_year_label(int(year))


@register.filter
def wareki_year(year: int) -> str:
    """2021 → 令和3年度"""
    return fiscal.wareki_year(int(year))
