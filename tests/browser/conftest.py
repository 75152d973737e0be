"""Playwright against Debian's chromium and pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test thread, so Django's guard against
synchronous database calls from async code must be lifted before anything touches the ORM.
Never download a browser here: the tests drive the chromium that ``make chromium`` installs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Response,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"No chromium for the browser tests (CHROMIUM_PATH={os.environ.get('CHROMIUM_PATH')!r}, "
            "none on PATH): run `make chromium` to install Debian's chromium, or set "
            "CHROMIUM_PATH. Do not run `playwright install`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serving plain HTTP.

    With DEBUG false the settings redirect to HTTPS, and SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server thread builds its handler. That happens before the
    function-scoped ``settings`` fixture in tests/conftest.py can switch it off, so switch it off
    here while the server starts. The name must stay ``live_server``: pytest-django then gives
    each test using it transactional database access and adds the host to ALLOWED_HOSTS.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: the event loop lives only while this module's tests run.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy blocked (an inline style set by markup,
# by an htmx swap or by a script) to the console in words this log looks for: Chromium's own
# console message says so too, but only for some kinds of violation and not in every version.
CSP_MARK = "Content Security Policy"
CSP_LISTENER = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  console.error(`{CSP_MARK} violation: ${{event.violatedDirective}} blocked `
    + `${{event.blockedURI || "inline"}} at ${{event.sourceFile || document.URL}}:${{event.lineNumber}} `
    + `(${{event.sample || ""}})`);
}});
"""


@dataclass
class PageLog:
    """What the browser saw while the test ran: console errors, Content-Security-Policy
    violations (any console message about the policy, whatever its level), failed requests,
    and the pages it loaded without a Content-Security-Policy."""

    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    documents_without_csp: list[str] = field(default_factory=list)
    # LKT's own address: pages from elsewhere (the test OpenID Provider) answer for their own
    # headers, so only LKT's documents must carry LKT's policy.
    own_origin: str = ""

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url") or "?"
        if CSP_MARK.lower() in message.text.lower():
            self.csp_violations.append(f"{url}: {message.text}")
        elif message.type == "error":
            self.console_errors.append(f"{url}: {message.text}")

    def on_page_error(self, error: Error) -> None:
        self.console_errors.append(f"uncaught: {error.message}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")
        if response.request.resource_type == "document" and response.status < 300:
            self.documents.append(response.url)
            ours = response.url.startswith(self.own_origin)
            if ours and not response.header_value("content-security-policy"):
                self.documents_without_csp.append(response.url)

    def assert_clean(self) -> None:
        problems = [
            *(f"CSP violation: {v}" for v in self.csp_violations),
            *(f"console error: {e}" for e in self.console_errors),
            *(f"failed request: {r}" for r in self.failed_responses),
            *(f"no Content-Security-Policy: {d}" for d in self.documents_without_csp),
        ]
        if problems:
            pytest.fail("\n".join(problems))

    def assert_no_csp_violations(self) -> None:
        if self.csp_violations:
            pytest.fail("CSP violations:\n" + "\n".join(self.csp_violations))


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, page_log: PageLog) -> Iterator[Page]:
    # Norwegian, as the users' browsers are: LocaleMiddleware reads Accept-Language.
    page_log.own_origin = live_server.url
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.add_init_script(CSP_LISTENER)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", page_log.on_console)
    page.on("pageerror", page_log.on_page_error)
    page.on("response", page_log.on_response)
    yield page
    context.close()


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the page as it is now."""
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        lines.extend(
            f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}"
            for node in violation["nodes"]
        )
    if blocking:
        pytest.fail(f"axe found problems on {page.url}:\n" + "\n".join(lines))


def check(locator: Locator, attempts: int = 3) -> None:
    """Tick a radio or checkbox. Under load a click can land beside it when the page moves under
    the pointer (a section above it reloading): Playwright then says the state did not change,
    and a person would simply click again."""
    for attempt in range(attempts):
        try:
            locator.check(timeout=5000)
            return
        except Error:
            if attempt == attempts - 1:
                raise
