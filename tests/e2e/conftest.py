"""Browser end-to-end harness: a real `streamlit run` on a free local port, driven by Playwright in Debian's
Chromium (Playwright's own browser download needs internet access the build machines do not have).

Screenshots go to docs/screenshots/ only when PAD_SCREENSHOTS=1, so a normal test run leaves the repo clean.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.config import PROJECT

CHROMIUM = Path(os.environ.get("PAD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
PHONE_USER_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    "Version/17.0 Mobile/15E148 Safari/604.1")
SERVER_START_TIMEOUT = 90
RUN_TIMEOUT_MS = 180_000  # a page run, including server-side chart images, on a slow CI machine
# expect() retries its check; on a busy CI machine the browser can paint an element seconds after the run ends
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser` does it) to run the "
                    "browser tests")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """What `make run` serves, on the demo warehouse; yields its base URL, stops it afterwards."""
    from tests.e2e.streamlit_server import streamlit_server  # it imports this module's constants

    with streamlit_server(demo_warehouse, tmp_path_factory.mktemp("streamlit") / "server.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (no cookies, no storage, no Streamlit session) at desktop size."""
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    ctx.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("PAD_SCREENSHOTS") == "1":
        target = PROJECT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path_factory.mktemp("screenshots")


def wait_for_app(page, *, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until the Streamlit app has rendered a page title and finished its current script run."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=timeout)
    idle = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
    page.wait_for_function(idle, timeout=timeout, polling=200)
    page.wait_for_timeout(400)  # a rerun asked for by the last run (e.g. a URL update) starts within this
    page.wait_for_function(idle, timeout=timeout, polling=200)


def wait_for_map(page):
    """The map's canvas, in view, once deck.gl has its county shapes and has drawn a frame with them (picking
    works from then on): a condition, not a fixed wait."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('map-shapes'))",
                           timeout=RUN_TIMEOUT_MS, polling=200)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return canvas


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its own container, so grow the viewport to the content before the shot."""
    width = page.viewport_size["width"]
    height = page.evaluate("""() => Math.max(document.body.scrollHeight,
        ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]
            .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(1500)  # charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
