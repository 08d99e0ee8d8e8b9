"""The attribution pages in Debian's Chromium: an incident's assessment, and the Attribute form
with its search-as-you-type pickers, against a real uvicorn process."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.fixture
def plain_page(browser: Browser, server: str) -> Iterator[Page]:
    """A tab with JavaScript turned off, as some hardened workstations run."""
    context = browser.new_context(base_url=server, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_notpetya_page_shows_the_assessment_beside_the_technical_ranking(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/incidents/notpetya")
    assessment = page.get_by_role("region", name="Attribution assessment")
    claims = assessment.get_by_role("article", name="Public claims Bottom line")
    expect(claims.locator(".bottom-line")).to_contain_text(
        re.compile(r"It is\s+(almost certain|very likely)\s+\(\d+\D\d+\s%\)\s+that Russia")
    )
    expect(claims.locator(".confidence")).to_have_text("High")
    expect(claims.locator(".spectrum [aria-current]")).to_have_attribute("title", "State-executed")
    ranking = assessment.get_by_role("article", name="Tradecraft Technical ranking")
    groups = ranking.locator("tbody tr")
    expect(groups).to_have_count(5)
    expect(groups.first).to_contain_text("Sandworm Team")
    expect(groups.first).to_contain_text("Strongest: S0368 NotPetya")
    bar = groups.first.locator(".meter span").bounding_box()
    assert bar is not None and bar["width"] > 0
    analyses = assessment.locator(".claims-weighed .analysis-head")
    expect(analyses.nth(1)).to_contain_text("joined by statement notpetya-2018-02-15")
    assert console_errors == []


def test_notpetya_ranking_leads_to_the_full_ranking_on_the_attribute_page(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/incidents/notpetya")
    page.get_by_role("link", name="Full ranking with evidence →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attribute")
    expect(page.locator(".ranking tbody tr").first).to_contain_text("Sandworm Team")
    expect(page.get_by_role("button", name="Remove NotPetya (S0368)")).to_be_visible()
    assert console_errors == []


def test_attribute_page_picks_software_and_techniques_as_one_types_and_ranks_them(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Attribute").click()
    page.get_by_role("combobox", name="Software").press_sequentially("Cobalt")
    page.get_by_role("option", name="Cobalt Strike (S0154)").click()
    expect(page.get_by_role("button", name="Remove Cobalt Strike (S0154)")).to_be_visible()
    techniques = page.get_by_role("combobox", name="Techniques")
    techniques.press_sequentially("T1566.001")
    expect(page.get_by_role("option", name="Spearphishing Attachment (T1566.001)")).to_be_visible()
    techniques.press("Enter")
    expect(
        page.get_by_role("button", name="Remove Spearphishing Attachment (T1566.001)")
    ).to_be_visible()
    expect(techniques).to_have_value("")
    page.get_by_role("button", name="Rank threat groups").click()
    expect(page).to_have_url(re.compile(r"/attribute\?techniques=T1566\.001&software=S0154&"))
    ranking = page.get_by_role("region", name="Threat groups")
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first.locator(".evidence li")).to_have_count(2)
    expect(rows.first.locator(".evidence")).to_contain_text("Cobalt Strike exact")
    expect(page.get_by_role("complementary")).to_contain_text("Unknown actor")
    expect(page.get_by_role("button", name="Remove Cobalt Strike (S0154)")).to_be_visible()
    assert console_errors == []


def test_attribute_picker_is_driven_by_the_keyboard(page: Page, console_errors: list[str]) -> None:
    page.goto("/attribute")
    techniques = page.get_by_role("combobox", name="Techniques")
    techniques.press_sequentially("T1566")
    expect(page.get_by_role("option", name="Phishing (T1566)")).to_have_attribute(
        "aria-selected", "true"
    )
    techniques.press("ArrowDown")
    expect(techniques).to_have_attribute("aria-expanded", "true")
    techniques.press("Enter")
    chip = page.get_by_role("button", name="Remove Spearphishing Attachment (T1566.001)")
    expect(chip).to_be_visible()
    techniques.press("Backspace")
    expect(chip).to_have_count(0)
    techniques.press_sequentially("spearphishing link")
    techniques.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    assert console_errors == []


def test_attribute_page_names_a_bad_id_and_marks_it(page: Page, console_errors: list[str]) -> None:
    page.goto("/attribute")
    page.get_by_role("combobox", name="Software").fill("S0154")
    page.get_by_role("option", name="Cobalt Strike (S0154)").click()
    page.get_by_role("combobox", name="Techniques").fill("T9999")
    page.get_by_role("button", name="Rank threat groups").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("These observations cannot be ranked")
    expect(alert).to_contain_text("unknown T9999")
    expect(page.locator(".chip.invalid")).to_have_text(re.compile(r"^T9999"))
    expect(page.locator(".chip.invalid")).to_have_count(1)
    expect(page.locator(".ranking")).to_have_count(0)
    # The only error is the page's own 400 status.
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_attribute_page_works_without_javascript(plain_page: Page) -> None:
    plain_page.goto("/attribute")
    plain_page.get_by_label("Techniques").fill("T1566.001, T1059.001")
    plain_page.get_by_label("Software").fill("S0154")
    plain_page.get_by_role("button", name="Rank threat groups").click()
    expect(plain_page.locator(".ranking tbody tr")).to_have_count(10)
    expect(plain_page.get_by_label("Techniques")).to_have_value("T1566.001, T1059.001")


def test_state_page_leads_to_its_co_attribution_partners(
    page: Page, console_errors: list[str]
) -> None:
    page.goto("/states/GBR")
    partners = page.get_by_role("region", name="Attributes together with")
    expect(partners.locator("tbody tr").first).to_contain_text("United States")
    partners.get_by_role("link", name=re.compile(r"^All \d+ partners")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-attribution")
    expect(page.get_by_role("combobox", name="Attributor")).to_have_value("GBR")
    expect(page.locator(".ties tbody tr").first).to_contain_text("United Kingdom United States")
    assert console_errors == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (
            "/attribute?techniques=T1566.001&techniques=T1086&software=S0154&victims=UKR",
            "attribute",
        ),
        ("/incidents/solarwinds", "assessment"),
    ],
)
def test_screenshot_for_review(page: Page, path: str, name: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    shot = SCREENSHOTS / f"cyberdiplomacy-{name}.png"
    if name == "assessment":
        page.get_by_role("region", name="Attribution assessment").screenshot(path=shot)
    else:
        page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
