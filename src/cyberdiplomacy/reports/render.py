"""A `Briefing` as Markdown, as a standalone HTML page with a print stylesheet, or as a PDF.

The templates live in `templates/`; the HTML carries its own stylesheet (A4 pages, running
header and footer with the TLP 2.0 marking, page numbers), so WeasyPrint needs nothing else.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cyberdiplomacy.reports.briefing import the
from cyberdiplomacy.reports.note import SECTIONS, Briefing

# TLP 2.0 (FIRST): what a recipient may do with the note, printed under its marking.
TLP_HANDLING = {
    "clear": "Disclosure is not limited.",
    "green": "Limited disclosure: recipients may share it within their community, not publicly.",
    "amber": "Limited disclosure: recipients may share it on a need-to-know basis within their "
    "organisation and its clients.",
    "amber+strict": "Limited disclosure: recipients may share it on a need-to-know basis within "
    "their organisation only.",
    "red": "For the eyes and ears of individual recipients only; no further disclosure.",
}
ANSWERS = {"yes": "Yes", "no": "No", "cannot decide": "Cannot decide"}
STATUS = {"open": "Open", "undecided": "Depends", "closed": "Not open"}


def day(value: dt.date | None) -> str:
    """Dates as diplomats write them, unambiguous across locales: 27 Jun 2017."""
    return f"{value.day} {value:%b %Y}" if value else ""


def cell(value: object) -> str:
    """Text that stays inside one Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def initial(text: str) -> str:
    """Upper-case the first letter only (Jinja's `capitalize` lowers the rest: IHL → ihl)."""
    return text[:1].upper() + text[1:]


def holds(value: bool | None) -> str:
    return {True: "holds", False: "fails", None: "open"}[value]


_environment = Environment(
    loader=PackageLoader("cyberdiplomacy.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters.update(day=day, cell=cell, holds=holds, initial=initial, the=the)
_environment.globals.update(
    SECTIONS=SECTIONS, TLP_HANDLING=TLP_HANDLING, ANSWERS=ANSWERS, STATUS=STATUS
)


def markdown(note: Briefing) -> str:
    """The note as Markdown, for e-mail, wikis and diffs."""
    return _environment.get_template("briefing.md").render(note=note)


def html(note: Briefing) -> str:
    """The note as one self-contained HTML page that prints as the PDF does."""
    return _environment.get_template("briefing.html").render(note=note)


def pdf(note: Briefing) -> bytes:
    """The note as an A4 PDF."""
    import weasyprint  # here, not on top: it loads Pango, which only the PDF needs

    document: bytes = weasyprint.HTML(string=html(note)).write_pdf()
    return document
