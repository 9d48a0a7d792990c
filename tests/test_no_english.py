"""No English reaches a user (issue 8.11): every page of every role, the admin included, read as
a person reads it (text and the attributes a screen reader speaks), on the demo data.

The pages come from the URL resolver, so a page added later is walked too; a page that needs
arguments takes them from SAMPLES, and the test says so when one is missing. The admin's pages
come from its registry: each model's list, add form, and one object's change and history pages.
"""

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consultations.models import Case, Contact
from consultations.models import Client as Woman
from ibasho.models import Attendance, Program, Session
from kokona.demo import DEMO_USERS
from kokona.fiscal import current_fiscal_year
from kokona.models import ImportBatch, User
from kokona.roles import Role
from reports.views.surveys import program_token
from supplies.models import CardLink, OutreachPlacement, Site, StockMovement
from tests.conftest import https_client, make_user, sign_in

# What must never be read on a page: Django's empty choice, the role codes, and the English the
# admin and Django's forms would show when a translation is missing.
FORBIDDEN = [
    "Select an option",
    *Role.values,
    "Filter by",
    "Welcome",
    "View site",
    "Log out",
    "Change password",
    "Recent actions",
    "Select all",
    "Save and",
    "Add another",
    "Delete",
    "History",
    "Home",
    "Documentation",
    "Show counts",
    "Clear all filters",
    "Search",
    "Action",
    "Required",
    "This field",
    "Enter a valid",
    "Ensure this",
    "Unknown",
    "None",
    "True",
    "False",
    "Yes",
    "No ",
    "Go",
    "Page not found",
    "Server Error",
    "Forbidden",
    "Not Found",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Search by",
]
# English a page may show on purpose, by URL name, with the reason.
ALLOWED = {
    # The CSV header names the import accepts, English ones among them (「counselor、相談員、担当」).
    "import_upload": {"counselor"},
}
# And a model's label ("consultations.case"): a record type is shown by its Japanese name.
MODEL_LABELS = sorted({model._meta.label_lower for model in apps.get_models()})
_FORBIDDEN = re.compile(
    "|".join(
        rf"(?<![A-Za-z_.]){re.escape(word)}(?![A-Za-z_])" for word in [*FORBIDDEN, *MODEL_LABELS]
    )
)
# The kind of label a person hears: text, and attributes a screen reader or the browser shows.
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}

SAMPLES: dict[str, Callable[[], dict[str, object]]] = {
    "consultations:client_detail": lambda: {"pk": Woman.objects.unscoped().first().pk},
    "consultations:client_edit": lambda: {"pk": Woman.objects.unscoped().first().pk},
    "consultations:client_export": lambda: {"pk": Woman.objects.unscoped().first().pk},
    "consultations:contact_detail": lambda: {"pk": Contact.objects.unscoped().first().pk},
    "consultations:contact_take": lambda: {"pk": Contact.objects.unscoped().first().pk},
    "consultations:contact_join": lambda: {"pk": Contact.objects.unscoped().first().pk},
    **{
        f"consultations:{name}": (lambda: {"pk": Case.objects.unscoped().first().pk})
        for name in (
            "case_detail",
            "case_edit",
            "case_status",
            "case_assign",
            "case_add_contact",
            "case_add_referral",
            "case_add_activity",
            "case_access_log",
        )
    },
    "supplies:reverse_entry": lambda: {"entry": StockMovement.objects.first().entry},
    "supplies:site_export": lambda: {"fmt": "csv"},
    "supplies:placement_export": lambda: {"fmt": "csv"},
    **{
        f"supplies:{name}": (lambda: {"pk": Site.objects.first().pk})
        for name in ("site_detail", "site_edit", "restock", "site_stock_take")
    },
    "supplies:placement_detail": lambda: {"pk": OutreachPlacement.objects.first().pk},
    "supplies:placement_edit": lambda: {"pk": OutreachPlacement.objects.first().pk},
    "ibasho:month": lambda: {
        "year": timezone.localdate().year,
        "month": timezone.localdate().month,
    },
    "ibasho:week": lambda: {
        "year": timezone.localdate().year,
        "month": timezone.localdate().month,
        "day": timezone.localdate().day,
    },
    **{
        f"ibasho:{name}": (lambda: {"pk": Session.objects.first().pk})
        for name in (
            "session_detail",
            "session_edit",
            "session_cancel",
            "session_reinstate",
            "survey",
            "find",
            "attendance_add",
            "head_count",
        )
    },
    "ibasho:attendance_change": lambda: {"pk": Attendance.objects.unscoped().first().pk},
    "import_upload": lambda: {"name": "consultations"},
    "import_preview": lambda: {"name": "consultations", "pk": ImportBatch.objects.first().pk},
    "import_status": lambda: {"name": "consultations", "pk": ImportBatch.objects.first().pk},
    # Links that are good once: an unknown token shows the page's "no longer valid" answer.
    "invitation": lambda: {"uidb64": "MQ", "token": "set-password"},
    "password_reset_confirm": lambda: {"uidb64": "MQ", "token": "set-password"},
    "notice_seen": lambda: {"pk": 1},
    "consultations:case_panel": lambda: {
        "pk": Case.objects.unscoped().first().pk,
        "panel": "referral",
    },
    "consultations:line_reply": lambda: {"pk": Case.objects.unscoped().first().pk},
    "consultations:line_reply_retry": lambda: {"pk": 1},
    "consultations:outreach_report": lambda: {"year": current_fiscal_year()},
    # A card's public pages: the card's code made as its page first shows it.
    "reach:landing": lambda: {"code": CardLink.objects.for_site(Site.objects.first()).code},
    "reach:form": lambda: {"code": CardLink.objects.for_site(Site.objects.first()).code},
    "supplies:site_cards": lambda: {"pk": Site.objects.first().pk},
    "supplies:placement_cards": lambda: {"pk": OutreachPlacement.objects.first().pk},
    **{
        f"reports:{name}": (lambda: {"year": current_fiscal_year() - 5})  # 令和3年度, the demo's
        for name in (
            "dashboard",
            "export_csv",
            "export_xlsx",
            "year_report",
            "year_report_pdf",
            "lock_year",
            "targets",
        )
    },
    "reports:target_edit": lambda: {"year": current_fiscal_year(), "code": "distribution_sites"},
    "reports:survey_qr": lambda: {"code": Program.objects.first().code},
    "reports:public_survey": lambda: {"token": program_token(Program.objects.first().code)},
    "reports:public_thanks": lambda: {"token": program_token(Program.objects.first().code)},
}
# Not pages: what they answer is no HTML a person reads.
NOT_PAGES = {"healthz", "keep_alive"}


def _patterns(entries=None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[no-untyped-def]
    for entry in entries if entries is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "otpadmin"):
                continue  # walked from the admin's registry
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def site_urls() -> list[tuple[str, set[str]]]:
    urls, missing = [], []
    for name, pattern in _patterns():
        if name in NOT_PAGES:
            continue
        if pattern.pattern.converters:
            if name not in SAMPLES:
                missing.append(name)
                continue
            urls.append((reverse(name, kwargs=SAMPLES[name]()), ALLOWED.get(name, set())))
        else:
            urls.append((reverse(name), ALLOWED.get(name, set())))
    assert missing == [], f"add sample arguments for {missing} to SAMPLES"
    return urls


def admin_urls() -> list[tuple[str, set[str]]]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:app_list", args=[info[0]]))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_AdminRequest()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        manager = getattr(model, "objects", model._default_manager)
        rows = manager.unscoped() if hasattr(manager, "unscoped") else manager.all()
        first = rows.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    return [(url, set()) for url in sorted(set(urls))]


class _AdminRequest:
    """Enough of a request for has_add_permission: a superuser's."""

    class user:  # noqa: N801
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm: str, obj: object = None) -> bool:
            return True


class _Spoken(HTMLParser):
    """The text of a page as a person meets it: no script, no style, no attribute values but
    the spoken ones."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(self._hidden - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_on(html: str) -> list[str]:
    parser = _Spoken()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return sorted({match.group(0) for match in _FORBIDDEN.finditer(text)})


def walk(client: Client, urls: list[tuple[str, set[str]]]) -> dict[str, list[str]]:
    found = {}
    for url, allowed in urls:
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        if words := [w for w in english_on(response.content.decode()) if w not in allowed]:
            found[url] = words
    return found


@pytest.fixture
def demo(db, settings) -> dict[str, User]:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    users = {demo.role.value: User.objects.get(username=demo.username) for demo in DEMO_USERS}
    users["superuser"] = make_user("root", staff=True, is_superuser=True)
    ImportBatch.objects.create(
        kind="consultations", filename="a.csv", uploaded_by=users["superuser"]
    )
    return users


def test_no_page_of_any_role_shows_english(demo):
    urls = site_urls()
    found: dict[str, dict[str, list[str]]] = {}

    for role, user in [("anonymous", None), *demo.items()]:
        client = https_client()
        if user is not None:
            sign_in(client, user)
        pages = urls + (admin_urls() if user is not None and user.is_staff else [])
        if found_here := walk(client, pages):
            found[role] = found_here

    assert found == {}, "\n".join(
        f"{role} {url}: {words}" for role, pages in found.items() for url, words in pages.items()
    )


def test_the_check_sees_what_it_should():
    page = (
        '<p>選んでください</p><select><option value="counselor">- Select an option -</option>'
        '</select><div class="supervisor" data-x="city_staff">管理者</div>'
        '<a title="Filter by 日時">x</a><script>var Home = 1;</script>'
    )

    assert english_on(page) == ["Filter by", "Select an option"]
    assert english_on("<p>ようこそ counselor さん</p>") == ["counselor"]
    assert english_on("<td>consultations.case</td>") == ["consultations.case"]
