"""The navigation and each role's home page, as the apps register them from their `apps.py`.

kokona knows no app: an app says where its pages are and who sees them,

    navigation.register(_("Supplies"), "supplies:home", roles=(Role.SITE_MANAGER,
        Role.SUPERVISOR), order=30, home_of=(Role.SITE_MANAGER,))

and the menu, the landing redirect after sign-in and the "no role" page follow.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from kokona.roles import Role


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    roles: tuple[Role, ...]
    order: int


_entries: dict[str, Entry] = {}
_homes: dict[Role, str] = {}


def register(
    label: str | Promise,
    url_name: str,
    *,
    roles: tuple[Role, ...],
    order: int,
    home_of: tuple[Role, ...] = (),
) -> None:
    """A menu entry for `roles`; for the roles in `home_of`, also where they land."""
    _entries[url_name] = Entry(label, url_name, roles, order)
    for role in home_of:
        if _homes.get(role, url_name) != url_name:
            raise ValueError(f"{role} already has the home {_homes[role]!r}")
        _homes[role] = url_name


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: (e.order, e.url_name))


def home_of(role: Role) -> str | None:
    """The url name of the page `role` lands on, if an app registered one."""
    return _homes.get(role)
