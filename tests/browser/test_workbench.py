"""The pages in Debian's Chromium, driven by Playwright against a real uvicorn process."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium); "
        "the browser tests never download a browser",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logged or threw, failed resource loads included."""
    return []


@pytest.fixture
def page(browser: Browser, server: str, console_errors: list[str]) -> Iterator[Page]:
    """A fresh tab on a laptop-sized screen, recording its console errors."""
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 800})
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{message.text} at {message.location.get('url')}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    yield tab
    context.close()


@pytest.mark.parametrize(
    ("path", "heading", "title"),
    [
        ("/", "Dashboard", "Dashboard"),
        ("/states/EST", "Estonia", "Estonia"),
        ("/blocs/nato", "NATO", "NATO"),
        ("/actors/apt28", "APT28", "APT28"),
        ("/techniques/T1566", "Phishing", "T1566 Phishing"),
        ("/software/S0154", "Cobalt Strike", "S0154 Cobalt Strike"),
        ("/search?q=Fancy+Bear", "Search", "Search: Fancy Bear"),
    ],
)
def test_page_loads_without_console_errors(
    page: Page, console_errors: list[str], path: str, heading: str, title: str
) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page).to_have_title(f"{title} · Cyber Diplomacy Workbench")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert console_errors == []


def test_tlp_badge_uses_the_official_colours(page: Page) -> None:
    page.goto("/actors/apt28")
    badge = page.locator(".tlp")
    expect(badge).to_have_text("TLP:CLEAR")
    expect(badge).to_have_css("background-color", "rgb(0, 0, 0)")
    expect(badge).to_have_css("color", "rgb(255, 255, 255)")


def test_links_lead_from_dashboard_to_state_to_group_to_technique(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Russia", exact=True).click()
    expect(page).to_have_url(re.compile(r"/states/RUS$"))
    page.get_by_role("link", name="APT28", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("APT28")
    page.locator("a[href='/techniques/T1566.001']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spearphishing Attachment")
    assert page.url.endswith("/techniques/T1566.001")
    assert console_errors == []


def test_header_search_finds_sandworm_by_its_alias(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    page.get_by_role("search").get_by_role("searchbox").fill("Voodoo Bear")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Threat groups")).to_be_visible()
    page.get_by_role("link", name="Sandworm Team").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sandworm Team")
    assert page.url.endswith("/actors/sandworm-team")
    assert console_errors == []


@pytest.mark.parametrize(("path", "name"), [("/", "dashboard"), ("/actors/apt28", "actor")])
def test_screenshot_for_review(page: Page, path: str, name: str) -> None:
    page.goto(path)
    shot = SCREENSHOTS / f"cyberdiplomacy-{name}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
