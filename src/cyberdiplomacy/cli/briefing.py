"""`brief` and `law assess`: the briefing note on an incident, and its legal assessment alone."""

from __future__ import annotations

import os
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from cyberdiplomacy.cli.common import JsonOption, console, emit_json, reading, table
from cyberdiplomacy.errors import ImportFailed, InvalidQuery
from cyberdiplomacy.law.assessment import Scenario
from cyberdiplomacy.law.characterisation import DEFAULT_STANDARD, STANDARDS
from cyberdiplomacy.reports import inputs, render

law = typer.Typer(
    help="Norms, international law and response options for an incident.", no_args_is_help=True
)


class Format(StrEnum):
    MD = "md"
    HTML = "html"
    PDF = "pdf"


IncidentArgument = Annotated[
    str, typer.Argument(help="Incident slug, name or alias, e.g. NotPetya.")
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--position-profile",
        help="Judge under this state's published legal positions (ISO3), e.g. GBR or FRA; "
        "default: no national position.",
    ),
]
StandardOption = Annotated[
    str, typer.Option(help=f"Standard of proof for attribution: {', '.join(STANDARDS)}.")
]
STATUS = {True: "open", None: "depends", False: "not open"}
MARK = {True: "✓", False: "✗", None: "?"}


def _scenario(path: Path) -> Scenario:
    """A scenario from a YAML mapping, or an error naming the file and the first bad field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFailed(str(path), f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(str(path), "not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        line = mark.line + 1 if mark else None
        raise ImportFailed(str(path), f"not valid YAML: {problem}", line=line) from exc
    if not isinstance(raw, dict):
        raise ImportFailed(str(path), "expected a mapping of scenario fields (name, type, …)")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "scenario"
        message = error["msg"].removeprefix("Value error, ")
        raise ImportFailed(str(path), f"{field}: {message}") from exc


def _write(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: to FILE.partial first, then rename it over FILE."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidQuery("output", f"cannot write {path}: {exc.strerror}") from exc


def brief(
    incident: Annotated[
        str | None,
        typer.Argument(help="Incident slug, name or alias, e.g. NotPetya (or use --scenario)."),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="A hypothetical incident instead: a YAML mapping of name, type, victims, "
            "sectors, effects, targets, attributed_state, likelihood, state_responsibility…",
        ),
    ] = None,
    position_profile: ProfileOption = None,
    standard: StandardOption = DEFAULT_STANDARD,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="md or html (to stdout or -o), pdf (-o).")
    ] = Format.MD,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically), not stdout."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the note's content as JSON instead of a note.")
    ] = False,
) -> None:
    """Write the briefing note on an incident or a hypothetical scenario.

    Bottom line up front, what happened, who is behind it and how sure we are, norms and
    international law, options by escalation, likely partners and sources.
    Example: `cyberdiplomacy brief notpetya --position-profile GBR -f pdf -o notpetya.pdf`.
    """
    if (incident is None) == (scenario is None):
        raise InvalidQuery("subject", "give an INCIDENT or --scenario FILE (one of them)")
    if format is Format.PDF and output is None and not as_json:
        raise InvalidQuery("output", "a PDF cannot go to the terminal; give -o FILE.pdf")
    assumed = _scenario(scenario) if scenario else None
    with reading() as session:
        if assumed is not None:
            note = inputs.scenario_note(
                session, assumed, profile=position_profile, standard=standard
            )
        else:
            assert incident is not None
            note = inputs.incident_note(
                session, incident, profile=position_profile, standard=standard
            )
    if as_json:
        content = note.model_dump_json(indent=2).encode() + b"\n"
    elif format is Format.PDF:
        content = render.pdf(note)
    else:
        text = render.html(note) if format is Format.HTML else render.markdown(note)
        content = text.encode()
    if output is None:
        typer.echo(content.decode(), nl=False)
    else:
        _write(output, content)
        console.print(f"Wrote {output}", style="dim", highlight=False)


@law.command("assess")
def assess(
    incident: IncidentArgument,
    position_profile: ProfileOption = None,
    standard: StandardOption = DEFAULT_STANDARD,
    as_json: JsonOption = False,
) -> None:
    """Which norms an incident implicates, the legal steps under a national position, where
    positions diverge, and the response options by escalation."""
    with reading() as session:
        found = inputs.legal_assessment(
            session, incident, profile=position_profile, standard=standard
        )
    if as_json:
        emit_json(asdict(found))
        return
    legal = found.characterisation
    console.print(
        f"[bold]{found.facts.name}[/bold] under {found.profile or 'no national position'}, "
        f"{legal.standard} standard of proof",
        highlight=False,
    )
    table(
        "Norms",
        ["Norm", "Finding", "Conditions: ✓ holds, ✗ fails, ? unknown"],
        [
            (
                f"{n.code} {n.title}",
                n.finding,
                "; ".join(f"{MARK[c.holds]} {c.condition}" for c in n.trace),
            )
            for n in found.norms
        ],
    )
    table(
        "International law, step by step",
        ["Question", "Answer", "Reasons"],
        [(s.question, s.answer, "; ".join(s.reasons)) for s in legal.steps]
        + [("Internationally wrongful act attributable to a state", legal.wrongful_act, "")],
    )
    if found.divergences:
        table(
            "Where national positions diverge",
            ["Step", "Answers"],
            [
                (d.step, ", ".join(f"{s}: {a}" for s, a in sorted(d.answers.items())))
                for d in found.divergences
            ],
        )
    table(
        "Options, by escalation",
        ["#", "Option", "Status", "Preconditions", "Precedents"],
        [
            (
                o.escalation,
                o.name,
                STATUS[o.available],
                "; ".join(f"{MARK[p.holds]} {p.text}" for p in o.preconditions),
                len(precedents),
            )
            for o, precedents in found.options
        ],
    )


def register(app: typer.Typer) -> None:
    app.command("brief", no_args_is_help=True)(brief)
    app.add_typer(law, name="law")
