"""What the pages anyone may open without signing in share: the layout women see
(templates/reach/base.html), with 「すぐに閉じる」 leaving for a neutral address.

The address is the NPO's setting, kept by the app that holds the public contact details; it
registers it from its `apps.py`, so that another app drawing a public page (the survey) names no
app:

    public.register_exit_url(lambda: ReachSettings.current().exit_url)
"""

from collections.abc import Callable

# Until an app registers its setting: a weather search, as the setting's own default.
DEFAULT_EXIT_URL = "https://www.google.co.jp/search?q=%E5%A4%A9%E6%B0%97"

_exit_url: list[Callable[[], str]] = []


def register_exit_url(provider: Callable[[], str]) -> None:
    _exit_url[:] = [provider]


def exit_url() -> str:
    return _exit_url[0]() if _exit_url else DEFAULT_EXIT_URL


def page_context(**context: object) -> dict[str, object]:
    """The context of a public page drawn in reach/base.html."""
    return {"reach": {"exit_url": exit_url()}, **context}
