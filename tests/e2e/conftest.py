"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_context_factory():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` to install it")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="wangge-chromium-")
    pw = sync_playwright().start()
    contexts = []

    def make(**kwargs):
        options = {
            "viewport": {"width": 375, "height": 812},
            "locale": "zh-CN",
            "accept_downloads": True,
            **kwargs,
        }
        ctx = pw.chromium.launch_persistent_context(
            tempfile.mkdtemp(dir=profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            **options,
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()
    pw.stop()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context_factory):
    ctx = browser_context_factory()
    pg = ctx.pages[0] if ctx.pages else ctx.new_page()
    yield pg
    ctx.close()


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
