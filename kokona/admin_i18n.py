"""Django's own words that would reach a kokona user in English, made Japanese.

Django 6 added messages its Japanese catalogue does not translate yet; listing them here keeps
them in kokona's catalogue (makemessages reads this file), which Django reads before its own.
And the admin writes a yes/no column's icon text as Python's True/False: `boolean_icon` says
はい/いいえ instead (installed by kokona.admin_site.KokonaAdminSite).
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
]

_ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value: bool | None) -> SafeString:
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{_ICONS[value]}.svg"), text
    )


def install() -> None:
    # The admin's helpers look the function up on this module each time they draw a cell.
    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]
