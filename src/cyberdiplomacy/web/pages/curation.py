"""Entering and editing incidents by form, the history of each record, and a curator's revert.

A form is checked by the same schema as the bundled YAML; on any error it comes back (422)
with each bad field marked and everything typed kept, and nothing is saved.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, get_args
from urllib.parse import parse_qsl

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cyberdiplomacy.curation import markings, service
from cyberdiplomacy.errors import Forbidden, InvalidQuery, InvalidRecord, NotSignedIn
from cyberdiplomacy.knowledge.access import Reader, Role
from cyberdiplomacy.knowledge.vocabulary import allowed
from cyberdiplomacy.sources.schemas import IncidentType, Target
from cyberdiplomacy.web.deps import ReaderDep, WriterDep
from cyberdiplomacy.web.pages.common import render
from cyberdiplomacy.web.pages.templating import url

router = APIRouter()
MAX_FORM = 64 * 1024
Slug = Annotated[str, Path(max_length=120)]
LISTS = ("aliases", "victims", "techniques", "software", "actors", "effects")
SOURCE = ("publisher", "title", "url", "published")
CHOICES = {
    "types": get_args(IncidentType),
    "targets": get_args(Target),
    "sectors": sorted(allowed("dhs-ciip-sectors", "DHS-critical-sectors")),
    "markings": markings.ORDER,
}


async def _form(request: Request) -> list[tuple[str, str]]:
    body = await request.body()
    if len(body) > MAX_FORM:
        raise InvalidQuery("form", f"at most {MAX_FORM // 1024} KiB")
    return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)


def _items(text: str) -> list[str]:
    """Entries typed one per line (effects), or separated by commas (ids, codes)."""
    return [p.strip() for p in re.split(r"[\n,]+", text) if p.strip()]


def record_of(fields: list[tuple[str, str]]) -> dict[str, Any]:
    """The incident a submitted form describes, in the schema's shape (blank means absent)."""
    values: dict[str, str] = {}
    many: dict[str, list[str]] = {"sectors": [], "targets": []}
    for name, value in fields:
        if name in many:
            many[name].append(value)
        else:
            values[name] = value.strip()
    record: dict[str, Any] = {
        key: values.get(key, "")
        for key in ("slug", "name", "started", "summary", "type", "as_of", "tlp")
    }
    record["ended"] = values.get("ended") or None
    record |= {key: _items(values.get(key, "")) for key in LISTS}
    record |= many
    record["armed_conflict"] = values.get("armed_conflict") == "on"
    source = {key: values.get(f"source_{key}") or None for key in SOURCE}
    record["sources"] = [source]
    return record


def form_of(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record's values as the form shows them."""
    values = dict(record)
    for key in LISTS:
        values[key] = ("\n" if key == "effects" else ", ").join(record.get(key) or [])
    source = (record.get("sources") or [{}])[0]
    values |= {f"source_{key}": source.get(key) or "" for key in SOURCE}
    return values


def _field_errors(error: InvalidRecord) -> dict[str, str]:
    """Errors keyed by form field: `sources.0.url` is the `source_url` field."""
    found: dict[str, str] = {}
    for where, reason in error.fields.items():
        parts = where.split(".")
        field = f"source_{parts[2]}" if parts[0] == "sources" and len(parts) > 2 else parts[0]
        found.setdefault(field, reason if len(parts) == 1 else f"{where}: {reason}")
    return found


def _needs_analyst(reader: Reader, next_url: str) -> None:
    if not reader.viewer.signed_in:
        raise NotSignedIn(f"Sign in to enter incidents (then go to {next_url}).")
    if not reader.viewer.may(Role.ANALYST):
        raise Forbidden("enter incidents", "the analyst role")


def _form_page(
    request: Request,
    values: dict[str, Any],
    editing: str | None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "incident_form.html",
        status_code=422 if errors else 200,
        values=values,
        editing=editing,
        errors=errors or {},
        **CHOICES,
    )


@router.get("/incidents/new")
def new_incident(request: Request, reader: ReaderDep) -> HTMLResponse:
    """The form for a new incident, marked TLP:AMBER until its owner says otherwise."""
    _needs_analyst(reader, "/incidents/new")
    return _form_page(request, {"tlp": "amber", "sectors": [], "targets": []}, None)


@router.post("/incidents/new")
async def create_incident(request: Request, writer: WriterDep) -> Response:
    fields = await _form(request)
    values = record_of(fields)
    try:
        made = service.create(writer, service.INCIDENT, service.parse(service.INCIDENT, values))
    except InvalidRecord as exc:
        writer.session.rollback()
        return _form_page(request, form_of(values), None, _field_errors(exc))
    return RedirectResponse(url("incident", made.slug), status_code=303)


@router.get("/incidents/{slug}/edit")
def edit_incident(request: Request, reader: ReaderDep, slug: Slug) -> HTMLResponse:
    """The form to change an incident one may edit, filled with what is stored."""
    found = service.find(reader, service.INCIDENT, slug)
    markings.check_edit(reader.viewer, found)
    stored = service.INCIDENT.snapshot(found).model_dump(mode="json")
    return _form_page(request, form_of(stored), slug)


@router.post("/incidents/{slug}/edit")
async def update_incident(request: Request, writer: WriterDep, slug: Slug) -> Response:
    values = record_of(await _form(request)) | {"slug": slug}
    try:
        service.update(writer, service.INCIDENT, slug, service.parse(service.INCIDENT, values))
    except InvalidRecord as exc:
        writer.session.rollback()
        return _form_page(request, form_of(values), slug, _field_errors(exc))
    return RedirectResponse(url("incident", slug), status_code=303)


@router.get("/incidents/{slug}/history")
def incident_history(request: Request, reader: ReaderDep, slug: Slug) -> HTMLResponse:
    """Every change to the incident: who, when, which fields, and before and after."""
    found = service.find(reader, service.INCIDENT, slug)
    return render(
        request,
        "history.html",
        incident=found,
        changes=service.history(reader, service.INCIDENT, slug),
        curator=reader.viewer.may(Role.CURATOR),
    )


@router.post("/changes/{change}/revert")
def revert(writer: WriterDep, change: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    """Undo one change (curators) and go back to the record, or to the list if it was deleted."""
    kept = service.revert(writer, change)
    slug = getattr(kept, "slug", None)
    target = url("incident", slug) + "/history" if slug else "/incidents"
    return RedirectResponse(target, status_code=303)
