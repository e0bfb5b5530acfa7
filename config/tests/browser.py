"""Debian's Chromium for the browser tests, launched the way this workplace requires
(never a browser that playwright downloads; no background connections)."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _SerialServer(WSGIServer):
    """Django's test server handling one request at a time.

    The dashboard fires its API requests in parallel; with the in-memory SQLite database
    of the embedded default, Django's threaded test server would share one connection
    between threads and hang. One request at a time is how the test runs on SQLite; on
    PostgreSQL it changes nothing the test checks.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


class _SerialLiveServerThread(LiveServerThread):
    server_class = _SerialServer


@contextmanager
def serial_live_server():
    """A live server (its URL) whose requests see the test's database, one at a time."""
    connection = connections["default"]
    override = {"default": connection} if connection.vendor == "sqlite" else {}
    for shared in override.values():
        shared.inc_thread_sharing()
    thread = _SerialLiveServerThread("127.0.0.1", StaticFilesHandler, override, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for shared in override.values():
            shared.dec_thread_sharing()


@contextmanager
def chromium():
    """Debian's Chromium, launched for a test and closed after it (screenshots go to
    ARTIFACTS).

    Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    still synchronous and safe. They ran on connections of that context, so they are closed
    afterwards, or the test database could not be dropped.
    """
    from django.db import connections as database_connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                yield browser
            finally:
                browser.close()
                database_connections.close_all()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# Every Content-Security-Policy violation of a page (and its frames), kept in the page itself;
# playwright injects this before any of the page's own scripts, whatever the policy.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
      `(${event.sourceFile || document.URL}:${event.lineNumber}) ` +
      (event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 160) : ""),
  );
});
"""


def csp_violations(page):
    """The violations the current page has reported so far."""
    return page.evaluate("window.__cspViolations || []")


def inline_script_runs(page):
    """Whether the page runs a <script> with inline text added to it (the CSP must refuse)."""
    return page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true";
            document.head.append(script);
            return window.__inlineRan === true;
        }"""
    )
