"""The briefing download and the Scenario form, in a real browser."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def test_download_the_notpetya_briefing_as_pdf(
    page: Page, tmp_path: Path, console_errors: list[str]
) -> None:
    page.goto("/incidents/notpetya")
    box = page.locator("form.briefing-box")
    box.get_by_label("Position profile").select_option("GBR")
    with page.expect_download() as downloading:
        box.get_by_role("button", name="PDF").click()
    download = downloading.value
    assert download.suggested_filename == "notpetya-briefing-GBR.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(content) > 10_000
    assert console_errors == []


def test_assess_a_scenario(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenario").click()
    expect(page.get_by_role("heading", name="Scenario", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("Grid outage")
    page.get_by_label("Sectors").select_option("energy")
    page.get_by_label("Effects").select_option("economic:disrupted-operations")
    page.get_by_label("Attributed state").fill("RUS")
    page.get_by_label("Likelihood").select_option("very-likely")
    page.get_by_label("State responsibility").select_option("state-executed")
    page.get_by_role("button", name="Assess").click()
    result = page.locator("section.scenario-result")
    expect(result).to_be_visible()
    expect(result.locator("table.norms")).to_contain_text("GGE-2015-13f")
    expect(result.get_by_role("link", name="Download PDF")).to_be_visible()
    assert console_errors == []
