"""The request a view receives once `role_required` let it through, and the paging and filters
of lists."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from kokona.models import User

PAGE_SIZE = 25


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in: what every view behind `role_required` receives."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def page_of(queryset: QuerySet, number: str | None, *, size: int = PAGE_SIZE) -> Page:
    """The page `number` of a list (the last page for a number past the end, the first for junk)."""
    return Paginator(queryset, size).get_page(number)


@dataclass(frozen=True)
class Filters:
    """A list's filters, as `filters_of` reads them from the address."""

    # None while the list is not filtered and its panel not opened: the form is not built.
    form: forms.Form | None = None
    # The filters that apply: the valid ones (a wrong one shows its message in the form).
    cleaned: dict[str, Any] = field(default_factory=dict)
    # The address's filters without the page, for the pager's links.
    query: str = ""


def filters_of(request: HttpRequest, form_class: type[forms.Form]) -> Filters:
    """A list's filter form (templates/_filter_panel.html), built only when the list is filtered
    or its panel opened (`?panel=filters`). Its choices (staff, vocabularies) cost a query each
    and the drawing of every option: a quarter of the time of a list nobody filters."""
    given = request.GET.copy()
    given.pop("page", None)
    opened = given.pop("panel", None) == ["filters"]
    if not given and not opened:
        return Filters()
    form = form_class(given)
    form.is_valid()
    return Filters(form, form.cleaned_data, given.urlencode())
