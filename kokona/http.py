"""The request a view receives once `role_required` let it through, the paging and filters of
lists, and the links of their rows."""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django_htmx.middleware import HtmxDetails

from kokona.models import User
from kokona.templatetags.kokona import short_date

PAGE_SIZE = 25


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in: what every view behind `role_required` receives."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


# No record has this id: it marks where an id goes in a reversed path.
_ID = 2**62


def path_of(name: str, *ids: int) -> str:
    """`reverse(name, args=ids)` for a page named by numbers (a record's id, a day), put together
    around the path reversed once per process (and script prefix): the lists link every row and
    the calendar every day, and `reverse` takes about 20 µs a link, as long as the rest of a row."""
    parts = _around_ids(name, get_script_prefix(), len(ids))
    return (
        "".join(f"{part}{value}" for part, value in zip(parts[:-1], ids, strict=True)) + parts[-1]
    )


@functools.cache
def _around_ids(name: str, prefix: str, count: int) -> tuple[str, ...]:
    rest = reverse(name, args=[_ID + n for n in range(count)])
    parts = []
    for n in range(count):
        before, _, rest = rest.partition(str(_ID + n))
        parts.append(before)
    return (*parts, rest)


def page_of(queryset: QuerySet, number: str | None, *, size: int = PAGE_SIZE) -> Page:
    """The page `number` of a list (the last page for a number past the end, the first for junk)."""
    return Paginator(queryset, size).get_page(number)


def counted_page(
    count: int, number: str | None, rows: Callable[[int], list[Any]], *, size: int = PAGE_SIZE
) -> Page:
    """The page `number` of a list counted apart, numbered as `page_of` numbers it, its rows read
    by `rows(offset)` (`size` of them at most)."""
    page = Paginator(range(count), size).get_page(number)
    page.object_list = rows((page.number - 1) * size) if count else []
    return page


@dataclass(frozen=True)
class Filters:
    """A list's filters, as `filters_of` reads them from the address."""

    # The form to draw in the open panel: None while nobody asked for it, the panel closed.
    form: forms.Form | None = None
    # The filters that apply: the valid ones (a wrong one shows its message in the form).
    cleaned: dict[str, Any] = field(default_factory=dict)
    # The address's filters without the page, for the pager's links.
    query: str = ""
    # What the list is filtered by, said on the closed panel: 「相談経路: LINE」, and a check box
    # by its label alone, 「次回対応日を過ぎたもの」.
    summary: list[str] = field(default_factory=list)

    @property
    def panel_query(self) -> str:
        """The address that opens the panel with these filters in its form."""
        return f"{self.query}&panel=filters" if self.query else "panel=filters"


def filters_of(request: HttpRequest, form_class: type[forms.Form]) -> Filters:
    """A list's filter form (templates/_filter_panel.html), drawn only when its panel is asked
    for (`?panel=filters`, which htmx fetches as the panel opens) or a filter is wrong (its
    message shows in it). A list filtered by a link, a reload or the back button comes with the
    panel closed, saying what it is filtered by: the form's choices (staff, vocabularies) cost a
    query each and the drawing of every option, a quarter of a list's time (bench/README.md)."""
    given = request.GET.copy()
    given.pop("page", None)
    opened = given.pop("panel", None) == ["filters"]
    if not given and not opened:
        return Filters()
    form = form_class(given)
    valid = form.is_valid()
    drawn = form if opened or not valid else None
    return Filters(drawn, form.cleaned_data, given.urlencode(), _summary(form))


def filter_panel(
    request: AuthenticatedHttpRequest, filters: Filters, *, live: str = ""
) -> HttpResponse | None:
    """The filter panel alone, for htmx's fetch as the panel opens (it targets `filters-body`):
    the list itself is neither counted nor read for it. None for any other request."""
    if request.htmx.target != "filters-body":
        return None
    context = {"filters": filters, "list_url": request.path, "live": live}
    return render(request, "_filter_panel.html", context)


def _summary(form: forms.Form) -> list[str]:
    """Each filter that applies, as 「label: value」 (a check box by its label alone)."""
    said = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", False):
            continue
        bound = form[name]
        if value is True:
            said.append(str(bound.label))
            continue
        if isinstance(value, dt.date):
            text = short_date(value)
        elif isinstance(bound.field, forms.ChoiceField) and not isinstance(value, models.Model):
            # Django keeps a field's choices as (value, label) pairs, whatever it was given.
            choices = cast(list[tuple[Any, Any]], bound.field.choices)
            text = next((str(label) for key, label in choices if key == value), value)
        else:
            text = str(value)
        said.append(f"{bound.label}: {text}")
    return said
