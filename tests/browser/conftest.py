"""Fixtures of the real-browser tests (`make browser`): the built site over HTTP, Chromium.

Playwright drives a system Chromium (`make test` installs Debian's where it can, see
``tools/chromium.py``): Playwright's own browser download needs network access the
course's machines do not have.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def chromium_path() -> str:
    """The browser ``tools/chromium.py`` finds (the same lookup as `make test`'s)."""
    spec = importlib.util.spec_from_file_location(
        "chromium", ROOT / "tools" / "chromium.py"
    )
    chromium = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chromium)
    path = chromium.find()
    if path is None:
        pytest.fail(chromium.HOW_TO)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url():
    """The built site (``make book``) served on 127.0.0.1 on a free port."""
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first")
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def load_page(page, url: str) -> list[str]:
    """Open ``url``; return the console errors and uncaught page errors it caused."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="networkidle")
    # MathJax typesets after load; wait for it where the page has formulas
    page.wait_for_function(
        "() => !window.MathJax || !MathJax.startup || MathJax.startup.promise"
        " .then(() => true)"
    )
    return errors
