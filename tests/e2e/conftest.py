"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

The browser speaks plain HTTP to localhost and tells Django, as the TLS proxy does in production,
that the original request was HTTPS; so the production settings (secure `__Host-` cookies, CSRF
origin checks, CSP) are what the browser meets.
"""

from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.conftest import load_reference_data

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "extra_http_headers": {"X-Forwarded-Proto": "https"},
    }


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, collected_static_files: None) -> LiveServer:
    """pytest-django's live server, but static files come through whitenoise as in production,
    hashed names included, instead of Django's development handler."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    request.addfinalizer(server.stop)
    return server


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None) -> None:
    load_reference_data()


@pytest.fixture
def site(live_server, settings):
    """The live server's address, trusted as the proxy's HTTPS origin would be."""
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def csp_violations(page):
    """Console messages about the Content Security Policy; a test asserts there are none."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot under test-results/screenshots/ for people to look at."""

    def take(name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
