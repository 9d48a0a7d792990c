"""The request a view receives once `role_required` let it through, and paging of lists."""

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
