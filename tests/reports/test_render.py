"""The note as Markdown, HTML and PDF: every section, the TLP marking, 2-4 A4 pages, no overflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from cyberdiplomacy.reports import render
from cyberdiplomacy.reports.note import SECTIONS, Briefing

Notes = Callable[..., Briefing]  # the `note` fixture: (incident, profile=None) → note
STYLESHEET = Path(render.__file__).parent / "templates" / "briefing.css"
MM = 72 / 25.4  # PDF points per millimetre
A4_WIDTH = 210 * MM
XHTML = "{http://www.w3.org/1999/xhtml}"

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) not installed; .ci/run installs them",
)


def page_margins() -> tuple[float, ...]:
    """The top, right, bottom and left page margins the stylesheet sets, in points."""
    rule = r"@page\s*{[^}]*?margin:\s*([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm"
    found = re.search(rule, STYLESHEET.read_text())
    assert found, "the @page rule must set four margins in mm"
    return tuple(float(m) * MM for m in found.groups())


def test_markdown_has_every_section_and_the_marking(note: Notes) -> None:
    text = render.markdown(note("notpetya", "GBR"))
    for number, section in enumerate(SECTIONS, start=1):
        assert f"## {number}. {section}\n" in text
    assert text.startswith("**UNCLASSIFIED · TLP:CLEAR**")
    assert "| 15 Feb 2018 | United Kingdom | Russia | statement | almost certain |" in text


def test_html_has_every_section_the_marking_and_no_external_resources(note: Notes) -> None:
    html = render.html(note("notpetya", "GBR"))
    for section in SECTIONS:
        assert f"{section}</h2>" in html
    assert '<span class="tlp tlp-clear">TLP:CLEAR</span>' in html
    assert "position: running(tlp)" in html and "counter(pages)" in html
    assert not re.search(r"<(link|script|img)\b|url\(", html)


def test_html_escapes_what_the_records_say(note: Notes) -> None:
    made = note("notpetya").model_copy(update={"subject": "<script>alert(1)</script>"})
    assert "<script>" not in render.html(made)


@needs_poppler
@pytest.mark.parametrize(
    ("incident", "profile"),
    [("notpetya", "GBR"), ("solarwinds", "FRA"), ("stuxnet", None), ("opm-2015", "USA")],
)
def test_the_pdf_has_two_to_four_a4_pages_marked_and_nothing_overflows(
    note: Notes, tmp_path: Path, incident: str, profile: str | None
) -> None:
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(render.pdf(note(incident, profile)))
    subprocess.run(["pdftoppm", "-r", "50", "-png", pdf, tmp_path / "page"], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 4, f"{incident}: {len(pages)} pages"

    text = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True)
    flat = " ".join(text.stdout.split())
    assert all(section in flat for section in SECTIONS)
    assert f"Page {len(pages)} of {len(pages)}" in flat

    boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True)
    top, right, bottom, left = page_margins()
    for page in ET.fromstring(boxes.stdout).iter(f"{XHTML}page"):
        height = float(page.get("height", 0))
        words = [
            (w.text, *(float(w.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")))
            for w in page.iter(f"{XHTML}word")
        ]
        header = {text for text, _, _, _, y_max in words if y_max <= top}
        footer = {text for text, _, y_min, _, _ in words if y_min >= height - bottom}
        assert {"TLP:CLEAR", "UNCLASSIFIED"} <= header and "TLP:CLEAR" in footer
        outside = [
            (text, round(x_min), round(x_max))
            for text, x_min, _, x_max, _ in words
            if x_min < left - 1 or x_max > A4_WIDTH - right + 1
        ]
        assert outside == [], f"{incident}: text outside the content area"
