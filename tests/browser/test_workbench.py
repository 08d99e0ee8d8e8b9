"""The pages in Debian's Chromium, driven by Playwright against a real uvicorn process."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from cyberdiplomacy.web.pages.vendor import TOPOJSON

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(tempfile.gettempdir())


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
        ("/incidents", "Incidents", "Incidents"),
        ("/incidents/notpetya", "NotPetya", "NotPetya"),
        ("/instruments", "Instruments", "Instruments"),
        ("/instruments/gge-2015", "Group of Governmental Experts", "Report of the Group"),
    ],
)
def test_page_loads_without_console_errors(
    page: Page, console_errors: list[str], path: str, heading: str, title: str
) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page).to_have_title(re.compile(rf"^{re.escape(title)}.* · Cyber Diplomacy Workbench$"))
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
    sponsors = page.get_by_role("region", name="Top suspected sponsor states")
    sponsors.get_by_role("link", name="Russia", exact=True).click()
    expect(page).to_have_url(re.compile(r"/states/RUS$"))
    groups = page.get_by_role("region", name="Threat groups suspected to be sponsored by Russia")
    groups.get_by_role("link", name="APT28", exact=True).click()
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


def test_incident_page_shows_its_timeline_in_date_order_with_sources(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/incidents/notpetya")
    events = page.locator(".timeline .event")
    dates = [events.nth(i).locator("time").get_attribute("datetime") for i in range(events.count())]
    assert dates == sorted(dates)
    claims = page.locator(".timeline .event-claim").all_inner_texts()
    uk = next(
        i for i, text in enumerate(claims) if "United Kingdom attributes it to Russia" in text
    )
    us = next(i for i, text in enumerate(claims) if "United States attributes it to Russia" in text)
    assert uk < us
    assert dates[0] == "2017-06-27"
    claim = page.locator(".record-claim").filter(has_text="United Kingdom").first
    expect(claim.locator(".source")).to_contain_text(
        "Source: UK Foreign and Commonwealth Office, Foreign Office Minister condemns Russia"
    )
    assert console_errors == []


def test_links_lead_from_dashboard_year_to_incident_to_victim_and_back(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/")
    page.get_by_role("link", name="2017: 7 incidents").click()
    expect(page).to_have_url(re.compile(r"/incidents\?year=2017$"))
    expect(page.locator(".pager")).to_contain_text("1\N{EN DASH}7 of 7 incidents")
    page.get_by_role("link", name="NotPetya", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NotPetya")
    page.get_by_role("complementary").get_by_role("link", name="Ukraine", exact=True).click()
    expect(page).to_have_url(re.compile(r"/states/UKR$"))
    suffered = page.get_by_role("region", name="Incidents suffered")
    suffered.get_by_role("link", name="Bad Rabbit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad Rabbit")
    assert page.url.endswith("/incidents/bad-rabbit-2017")
    assert console_errors == []


def test_instrument_pages_list_norms_and_parties(page: Page, console_errors: list[str]) -> None:
    page.goto("/instruments")
    page.get_by_role("link", name=re.compile(r"\(2015\)$")).click()
    expect(page).to_have_url(re.compile(r"/instruments/gge-2015$"))
    expect(page.locator(".norms li")).to_have_count(11)
    page.goto("/instruments/budapest-convention")
    usa = page.get_by_role("row").filter(has=page.get_by_role("link", name="United States"))
    expect(usa.filter(has_text="Party")).to_have_count(1)
    assert console_errors == []


def test_search_for_petya_opens_the_notpetya_incident(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/")
    page.get_by_role("search").get_by_role("searchbox").fill("Petya")
    page.keyboard.press("Enter")
    incidents = page.get_by_role("region", name="Incidents")
    incidents.get_by_role("link", name="NotPetya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NotPetya")
    assert page.url.endswith("/incidents/notpetya")
    assert console_errors == []


def test_dashboard_map_is_drawn_without_leaving_the_loopback(
    page: Page, console_errors: list[str]
) -> None:
    if not TOPOJSON.is_file():
        pytest.skip(f"{TOPOJSON.name} is missing: `make setup` fetches it with npm")
    left: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", loopback_only)
    page.goto("/")
    expect(page.locator("#victims-map.drawn")).to_be_visible(timeout=15_000)
    victims = len(page.locator("#victims-data").evaluate("e => JSON.parse(e.textContent).iso3"))
    expect(page.locator("#victims-map svg path.choroplethlocation")).to_have_count(victims)
    expect(page.locator("#victims-map svg .layer.countries path")).to_have_count(1)
    assert page.locator(".map-status").count() == 0
    assert left == []
    assert console_errors == []


@pytest.mark.parametrize(
    ("path", "name"),
    [("/", "dashboard"), ("/actors/apt28", "actor"), ("/incidents/notpetya", "incident")],
)
def test_screenshot_for_review(page: Page, path: str, name: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    shot = SCREENSHOTS / f"cyberdiplomacy-{name}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
