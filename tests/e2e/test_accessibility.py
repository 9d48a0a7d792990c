"""WCAG 2.1 AA (JIS X 8341-3) on every page of every role, proven by axe-core in Chromium.

Each role signs in once, in a browser context of its own, and walks every page the URL resolver
knows (tests/e2e/sitemap.py fills the arguments; the admin's pages too, for staff): at 390 px and
1280 px, with every <details> panel open, and again after each of the page's forms is posted empty
(the error state). Any axe violation of the tags wcag2a, wcag2aa, wcag21a, wcag21aa, or any id used
twice on a page, fails the test with the rule, its impact and where it is.
"""

import io
import os
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Error, Page, TimeoutError

from kokona.models import Notice, User
from kokona.tasks import apply_import
from tests.conftest import PASSWORD, add_authenticator, make_user, totp_code
from tests.e2e import axe, sitemap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
DEMO_PASSWORD = "kokona-demo-2026"  # the demo users seed_demo creates (kokona.demo)

# Open every panel: what a <details> hides must pass too.
OPEN_PANELS = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"

# Posts one form with every field it shows left empty: the page's error state.
POST_EMPTY = """(index) => {
  const form = document.querySelectorAll(FORMS)[index];
  for (const field of form.elements) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = -1;
    else field.value = "";
  }
  form.requestSubmit();
}"""
FORMS = 'form[method="post" i]:has([required]):not([hx-post])'


def sign_in(page: Page, site: str, user: User, password: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    if page.get_by_label("確認コード").count():
        device = user.totpdevice_set.filter(confirmed=True).first() or add_authenticator(user)
        page.get_by_label("確認コード").fill(totp_code(device))
        page.get_by_role("button", name="次へ").click()
        page.wait_for_load_state()
    assert "/login/" not in page.url, f"{user} could not sign in"


class Sweep:
    """One role's walk: what it checked, and what axe found."""

    def __init__(self, context: BrowserContext, role: str, known: set[str]) -> None:
        self.context = context
        self.page = context.pages[0]
        self.known = known
        self.role = role
        self.seen: set[str] = set()
        self.posted: set[str] = set()
        self.problems: list[axe.Problem] = []
        self.checked = 0
        self.timings: list[tuple[float, str]] = []

    def check(self, where: str) -> None:
        """axe at each width, unless every kind of element here was checked on an earlier page
        (of any role): then the ids only. Every page is still opened, posted and id-checked."""
        self.page.evaluate(OPEN_PANELS)
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        kinds = axe.structure(self.page)
        run_axe = not kinds <= self.known
        self.known |= kinds
        for width in WIDTHS:
            started = time.monotonic()
            self.page.set_viewport_size({"width": width, "height": 900})
            self.problems += axe.check(
                self.page, f"[{self.role} {width}px] {where}", run_axe=run_axe
            )
            self.checked += run_axe
            self.timings.append((time.monotonic() - started, f"{width} {where}"))

    def visit(self, url: str) -> bool:
        """Open a page; True when it is an HTML page not checked yet (refusals once each)."""
        try:
            response = self.page.goto(url)
        except Error as error:
            # A download, or an error status with an empty body (the 405 of a POST-only URL):
            # Chromium's own error page is still arriving, so go on in a new tab.
            if "Download is starting" not in str(error) and "ERR_HTTP_RESPONSE" not in str(error):
                raise
            self.page.close()
            self.page = self.context.new_page()
            return False
        if response is None or response.request.redirected_from is not None:
            return False  # a redirect leads to a page walked by itself
        if not response.headers.get("content-type", "").startswith("text/html"):
            return False
        status = response.status
        key = str(status) if status in (403, 404) else urlsplit(url).path
        if status not in (200, 400, 403, 404) or key in self.seen:
            return False
        self.seen.add(key)
        return True

    def walk(self, url: str) -> None:
        if not self.visit(url):
            return
        path = urlsplit(self.page.url).path
        self.check(path)
        forms = self.page.eval_on_selector_all(
            FORMS, "(forms) => forms.map((f) => f.getAttribute('action') || '')"
        )
        if path.startswith("/admin/") and not path.endswith("/add/"):
            forms = []  # an admin change form posted empty shows its add form's errors
        for index, action in enumerate(forms):
            if (action or path) in self.posted:
                continue
            self.posted.add(action or path)
            if index:
                self.page.goto(url)
            if self.page.locator(FORMS).count() <= index:
                continue  # the page changed since (a one-time link spent, a form sent once)
            try:
                with self.page.expect_navigation(timeout=10_000):
                    self.page.evaluate(POST_EMPTY.replace("FORMS", repr(FORMS)), index)
            except TimeoutError:
                pass  # a form the page's script handles in place: check it as it is
            self.check(f"{path} posted empty ({action or 'itself'})")


@pytest.fixture
def demo_data(settings) -> Iterator[dict[str, User]]:
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    users["root"] = make_user("root", staff=True, is_superuser=True, display_name="システム管理")
    add_authenticator(users["root"])
    Notice.objects.create(message="取込みの新しい機関を確認してください。")
    # A row for each admin list that would be empty, so its change page is walked too.
    attempt = {"username": "nobody", "ip_address": "127.0.0.1", "path_info": "/login/"}
    AccessAttempt.objects.create(**attempt, user_agent="Mozilla/5.0", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt, user_agent="Mozilla/5.0")
    apply_import.enqueue(0)  # a task row: the worker is not running, nothing happens
    for uploader in ("kanri", "kyoten"):
        sitemap.upload_samples(users[uploader])
    yield users


def test_every_page_of_every_role_meets_wcag_21_aa(
    browser: Browser, browser_context_args: dict, site: str, demo_data: dict[str, User]
) -> None:
    roles = [
        ("anonymous", None),
        ("counselor", demo_data["soudan"]),
        ("supervisor", demo_data["kanri"]),
        ("city staff", demo_data["shi"]),
        ("site manager", demo_data["kyoten"]),
        ("superuser", demo_data["root"]),
    ]
    problems: list[axe.Problem] = []
    unfilled: set[str] = set()
    summary = []
    timings: list[tuple[float, str]] = []
    known: set[str] = set()
    only = os.environ.get("A11Y_ROLES")  # e.g. "counselor,superuser" while fixing one role's pages
    for role, user in roles:
        if only and role not in only.split(","):
            continue
        started = time.monotonic()
        context: BrowserContext = browser.new_context(**browser_context_args)
        page = context.new_page()
        if user is not None:
            sign_in(page, site, user, PASSWORD if user.username == "root" else DEMO_PASSWORD)
        sweep = Sweep(context, role, known)
        found, missing = sitemap.pages(user or User(), admin_pages=bool(user and user.is_staff))
        unfilled |= set(missing)
        for entry in found:
            sweep.walk(f"{site}{entry.path}")
        context.close()
        problems += sweep.problems
        timings += sweep.timings
        summary.append(
            f"{role}: {len(found)} URLs, {len(sweep.seen)} pages, {len(sweep.posted)} forms"
            f" posted empty, {sweep.checked} axe runs, {time.monotonic() - started:.0f} s"
        )
    print("\n".join(summary))
    print("\n".join(f"{t:.2f} {w}" for t, w in sorted(timings, reverse=True)[:40]))

    assert problems == [], axe.report(problems)
    assert not unfilled, f"add samples to tests/e2e/sitemap.py for: {sorted(unfilled)}"
