"""Request bodies are refused by their declared size before anything reads them.

Without this, an anonymous 150 MB multipart POST to /login/ was parsed, and its file spooled to
disk, before CSRF refused it. Now every body is held to `REQUEST_MAX_BYTES` and may not be
multipart, except on the views marked `@accepts_upload`, which take up to `UPLOAD_MAX_BYTES`.
The check reads only `Content-Length`: Django never reads past it, and a body without one is
read as empty. Uploads that pass stay in memory (`FILE_UPLOAD_MAX_MEMORY_SIZE` and the memory
handler only), so no woman's data lands in a temporary file.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

logger = logging.getLogger(__name__)

_ATTRIBUTE = "accepts_upload_max_bytes"


def accepts_upload[V: Callable[..., Any]](*, max_bytes: int) -> Callable[[V], V]:
    """Mark a view as taking a file: multipart bodies up to `max_bytes` reach it."""
    if max_bytes > settings.UPLOAD_MAX_BYTES:
        raise ValueError(f"max_bytes is above UPLOAD_MAX_BYTES ({settings.UPLOAD_MAX_BYTES})")

    def decorator(view: V) -> V:
        setattr(view, _ATTRIBUTE, max_bytes)
        return view

    return decorator


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body either


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    logger.warning(
        "Request body refused (%d): %s bytes of %s to %s",
        status,
        _content_length(request),
        request.content_type or "-",
        request.path,
    )
    return render(request, "kokona/request_refused.html", {"message": message}, status=status)


def _too_large(request: HttpRequest) -> HttpResponse:
    return _refuse(
        request,
        413,
        _("What was sent is too large. Nothing was saved. Send less at a time, or a smaller file."),
    )


class RequestSizeMiddleware:
    """Answer 413 to a body over the limit, and 415 to a file sent where none is taken.

    The check that knows the view runs in `process_view`, which Django calls in MIDDLEWARE order:
    this middleware stands before CsrfViewMiddleware, whose `process_view` reads request.POST.
    Anything over the largest limit is refused at once, before URLs are even resolved.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _content_length(request) > settings.UPLOAD_MAX_BYTES:
            return _too_large(request)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        upload_limit = getattr(view, _ATTRIBUTE, None)
        limit = upload_limit or settings.REQUEST_MAX_BYTES
        if _content_length(request) > limit:
            return _too_large(request)
        if request.content_type == "multipart/form-data" and upload_limit is None:
            return _refuse(request, 415, _("This page does not take files. Nothing was saved."))
        return None
