"""Briefings and legal assessments: an incident's briefing note to download, and the Scenario
form that assesses a hypothetical incident. Both build the note with the same
`reports.inputs` and `reports.render` functions as `cyberdiplomacy brief`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import positions
from cyberdiplomacy.knowledge.vocabulary import allowed, terms
from cyberdiplomacy.law.assessment import LIKELIHOOD_MIDPOINT, Scenario
from cyberdiplomacy.law.characterisation import POSITION_LABELS
from cyberdiplomacy.reports import inputs, render
from cyberdiplomacy.reports.note import Briefing
from cyberdiplomacy.sources.schemas import IncidentType, Target
from cyberdiplomacy.web.deps import SessionDep
from cyberdiplomacy.web.pages.common import render as render_page
from cyberdiplomacy.web.pages.templating import term

router = APIRouter()

HARM = "organizational-cyber-harm"
LIST_FIELDS = ("sectors", "effects", "targets")
TEXT_FIELDS = ("name", "type", "attributed_state", "likelihood", "state_responsibility")
CONFLICT = {"yes": True, "no": False}


class Format(StrEnum):
    PDF = "pdf"
    HTML = "html"
    MD = "md"


MEDIA_TYPES = {
    Format.PDF: "application/pdf",
    Format.HTML: "text/html; charset=utf-8",
    Format.MD: "text/markdown; charset=utf-8",
}


def profiles(session: Session) -> list[tuple[str, str]]:
    """(ISO3, name) of the states with recorded positions on the questions of law, by name."""
    found = {
        state: next(iter(recorded.values())).state.name
        for state, recorded in positions.profiles(session, POSITION_LABELS).items()
    }
    return sorted(found.items(), key=lambda item: item[1])


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The scenario form's options: value and label, in each vocabulary's order or by label."""

    def labelled(values: Any, namespace: str) -> list[tuple[str, str]]:
        return sorted(((v, term(v, namespace)) for v in values), key=lambda c: c[1])

    return {
        "types": [(t, t.replace("-", " ").capitalize()) for t in get_args(IncidentType)],
        "sectors": labelled(
            allowed("dhs-ciip-sectors", "DHS-critical-sectors"), "dhs-ciip-sectors"
        ),
        "effects": [
            (key, f"{t.predicate.replace('-', '/').capitalize()}: {term(key, HARM)}")
            for t in terms(HARM)
            if t.value and (key := f"{t.predicate}:{t.value}")
        ],
        "targets": [(t, t.replace("-", " ").capitalize()) for t in get_args(Target)],
        "likelihoods": [(v, term(v, "estimative-language")) for v in LIKELIHOOD_MIDPOINT],
        "responsibilities": labelled(allowed("state-responsibility"), "state-responsibility"),
    }


def _download(content: bytes, fmt: Format, stem: str) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt.value}"'},
    )


def _content(note: Briefing, fmt: Format) -> bytes:
    """The note rendered as the CLI renders it."""
    if fmt is Format.PDF:
        return render.pdf(note)
    return (render.html(note) if fmt is Format.HTML else render.markdown(note)).encode()


def _profile(value: str | None) -> str | None:
    """A profile as ISO3, or None for no national position (the select's empty option)."""
    code = (value or "").strip().upper()
    return code or None


@router.get("/incidents/{key}/briefing.{fmt}")
def incident_briefing(
    session: SessionDep, key: str, fmt: Format, profile: str | None = None
) -> Response:
    """The briefing note on an incident as a file, under a state's position profile."""
    code = _profile(profile)
    note = inputs.incident_note(session, key, profile=code)
    stem = f"{note.slug or key}-briefing" + (f"-{code}" if code else "")
    return _download(_content(note, fmt), fmt, stem)


def _form(request: Request) -> tuple[dict[str, Any], str | None, str | None]:
    """The submitted scenario as Scenario's raw fields, the profile and the armed-conflict
    answer, from the query string (empty values left out)."""
    query = request.query_params
    raw: dict[str, Any] = {f: v.strip() for f in TEXT_FIELDS if (v := query.get(f, "").strip())}
    if "attributed_state" in raw:
        raw["attributed_state"] = raw["attributed_state"].upper()
    victims = query.get("victims", "").replace(";", ",")
    raw["victims"] = [v.strip().upper() for v in victims.split(",") if v.strip()]
    for name in LIST_FIELDS:
        raw[name] = [v for v in query.getlist(name) if v]
    conflict = query.get("armed_conflict") or None
    if conflict in CONFLICT:
        raw["armed_conflict"] = CONFLICT[conflict]
    elif conflict not in (None, "unknown"):
        raw["armed_conflict"] = conflict  # let the model reject it, naming the field
    return raw, _profile(query.get("profile")), conflict


def _validate(raw: dict[str, Any]) -> tuple[Scenario | None, str | None, str | None]:
    """The scenario, or the first bad field and what is wrong with it."""
    try:
        return Scenario.model_validate(raw), None, None
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "scenario"
        return None, field, error["msg"].removeprefix("Value error, ")


@router.get("/scenario")
def scenario(request: Request, session: SessionDep) -> HTMLResponse:
    """A hypothetical incident: the form, and once submitted its briefing's legal assessment."""
    raw, profile, conflict = _form(request)
    context: dict[str, Any] = {
        "form": raw,
        "conflict": conflict or "unknown",
        "profile": profile or "",
        "profiles": profiles(session),
        "choices": _choices(),
        "note": None,
        "field": None,
        "problem": None,
        "query": request.url.query,
    }
    if "name" not in request.query_params:  # not submitted yet
        return render_page(request, "scenario.html", **context)
    found, context["field"], context["problem"] = _validate(raw)
    if found is not None:
        try:
            context["note"] = inputs.scenario_note(session, found, profile=profile)
        except InvalidQuery as exc:
            context["field"], context["problem"] = "profile", exc.reason
    status = 400 if context["problem"] else 200
    return render_page(request, "scenario.html", status_code=status, **context)


@router.get("/scenario/briefing.{fmt}")
def scenario_briefing(request: Request, session: SessionDep, fmt: Format) -> Response:
    """The briefing note on the scenario in the query string, as a file."""
    raw, profile, _ = _form(request)
    found, field, problem = _validate(raw)
    if found is None:
        raise InvalidQuery(field or "scenario", problem or "invalid scenario")
    note = inputs.scenario_note(session, found, profile=profile)
    stem = "scenario-briefing" + (f"-{profile}" if profile else "")
    return _download(_content(note, fmt), fmt, stem)
