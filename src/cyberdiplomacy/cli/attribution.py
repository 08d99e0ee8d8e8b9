"""`attribute`: who is likely behind it — TTP ranking, claim weighing, evaluation."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from cyberdiplomacy.attribution import Attribution, Engine, Observation, claims, evaluate
from cyberdiplomacy.attribution.profiles import GroupProfiles, from_bundle, from_session
from cyberdiplomacy.cli.common import JsonOption, console, emit_json, reading, table
from cyberdiplomacy.errors import CyberDiplomacyError, InvalidQuery
from cyberdiplomacy.knowledge import incidents

attribute = typer.Typer(
    help="Who is likely behind it? Rank threat groups and sponsor states from observed "
    "ATT&CK techniques and software, weigh public attribution claims, evaluate the engine.",
    invoke_without_command=True,
)

Ids = Annotated[str | None, typer.Option(help="Comma-separated ids, e.g. T1566.001,T1059.001.")]
BundleOption = Annotated[
    Path | None,
    typer.Option(
        "--bundle",
        help="Rank against this ATT&CK STIX bundle instead of the knowledge base "
        "(no sponsor states then).",
        exists=True,
        dir_okay=False,
    ),
]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _profiles(bundle: Path | None) -> GroupProfiles:
    if bundle is not None:
        return from_bundle(bundle)
    with reading() as session:
        return from_session(session)


def _as_json(result: Attribution, identifier: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": identifier} if identifier is not None else {}
    body.update(
        candidates=[
            {
                "attack_id": c.attack_id,
                "name": c.name,
                "probability": round(c.probability, 4),
                "sponsor": c.sponsor,
                "evidence": [asdict(e) for e in c.evidence],
            }
            for c in result.candidates
        ],
        states=[{"iso3": s.iso3, "probability": round(s.probability, 4)} for s in result.states],
        unknown=round(result.unknown, 4),
        others=round(result.others, 4),
        resolved=dict(result.resolved),
        unused=list(result.unused),
    )
    return body


def _batch(engine: Engine, path: Path, top: int) -> None:
    """One JSON object per line in, one result per line out (errors as {"id", "error"})."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            query: Any = None
            try:
                query = json.loads(line)
                if not isinstance(query, dict):
                    raise InvalidQuery("line", "expected a JSON object")
                observation = Observation(
                    techniques=tuple(query.get("techniques", [])),
                    software=tuple(query.get("software", [])),
                    sectors=tuple(query.get("sectors", [])),
                    victims=tuple(query.get("victims", [])),
                )
                out = _as_json(engine.attribute(observation, top), query.get("id"))
            except (json.JSONDecodeError, CyberDiplomacyError, TypeError) as exc:
                identifier = query.get("id") if isinstance(query, dict) else None
                out = {"id": identifier, "line": number, "error": str(exc)}
            sys.stdout.write(json.dumps(out) + "\n")


@attribute.callback()
def rank(
    ctx: typer.Context,
    techniques: Ids = None,
    software: Annotated[str | None, typer.Option(help="Comma-separated ids, e.g. S0154.")] = None,
    sectors: Annotated[
        str | None, typer.Option(help="Target sectors, e.g. Government,Energy (knowledge base).")
    ] = None,
    victims: Annotated[str | None, typer.Option(help="Victim states, ISO3, e.g. UKR,POL.")] = None,
    bundle: BundleOption = None,
    top: Annotated[int, typer.Option(min=1, max=200, help="How many groups to list.")] = 10,
    batch: Annotated[
        Path | None,
        typer.Option(
            help='JSONL file: one {"id", "techniques", "software"} per line; one result '
            "per line out.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the threat groups (and sponsor states) that best explain what was observed.

    Example: `cyberdiplomacy attribute --techniques T1566.001,T1059.001 --software S0154`.
    Probabilities are calibrated; what is left goes to "unknown actor".
    """
    if ctx.invoked_subcommand is not None:
        return
    observation = Observation(
        _split(techniques), _split(software), _split(sectors), _split(victims)
    )
    if batch is None and not any(asdict(observation).values()):
        console.print(ctx.get_help())
        raise InvalidQuery("observation", "give --techniques, --software (or --batch FILE)")
    engine = Engine(_profiles(bundle))
    if batch is not None:
        _batch(engine, batch, top)
        return
    result = engine.attribute(observation, top)
    if as_json:
        emit_json(_as_json(result))
        return
    for old, new in result.resolved.items():
        console.print(f"{old} is revoked; used {new}.", style="dim")
    table(
        "Candidate groups",
        ["ATT&CK", "Group", "Probability", "Sponsor", "Strongest evidence"],
        [
            (
                c.attack_id,
                c.name,
                f"{c.probability:.1%}",
                c.sponsor or "",
                ", ".join(f"{e.item} ({e.match})" for e in c.evidence[:4]),
            )
            for c in result.candidates
        ],
    )
    table(
        "Suspected sponsor states",
        ["State", "Probability"],
        [(s.iso3, f"{s.probability:.1%}") for s in result.states[:8]],
    )
    console.print(f"Unknown actor: {result.unknown:.1%}")


@attribute.command("evaluate")
def evaluate_engine(
    bundle: Annotated[
        Path,
        typer.Option(help="An ATT&CK STIX bundle whose group profiles to test on.", exists=True),
    ],
    seed: Annotated[
        int, typer.Option(help="Seed of the held-out draw (calibrated on seed+1).")
    ] = 0,
    as_json: JsonOption = False,
) -> None:
    """Held-out evaluation of the engine against Jaccard and TF-IDF cosine baselines.

    Protocols: `held-out` hides a random 30-50% of each group's techniques and software and
    queries with the hidden part (as specified; no method can match exactly); `report` holds out
    one report ATT&CK cites for a group, like a new campaign; `+noise` adds unrelated items.
    """
    profiles = from_bundle(bundle)
    results = [evaluate.run(profiles, seed=seed, protocol=p) for p in evaluate.PROTOCOLS]
    if as_json:
        emit_json(
            [
                {
                    "protocol": r.protocol.name,
                    "queries": r.queries,
                    "results": [asdict(m) for m in r.results],
                }
                for r in results
            ]
        )
        return
    for result in results:
        header, *rows = result.rows()
        table(f"{result.protocol.name}: {result.queries} queries, seed {seed}", header, rows)


@attribute.command("claims")
def weigh_claims(
    incident: Annotated[str, typer.Argument(help="Incident slug, name or alias, e.g. NotPetya.")],
    as_json: JsonOption = False,
) -> None:
    """Weigh the public attribution claims about an incident into one assessment."""
    with reading() as session:
        found = incidents.list_claims(session, incident=incident)
    assessment = claims.assess(claims.facts(found))
    if as_json:
        emit_json(asdict(assessment))
        return
    lead = assessment.state or assessment.actor
    if lead is None or assessment.likelihood is None:
        console.print("No public attribution claims: no judgement.")
        return
    console.print(
        f"[bold]{lead.name}[/bold]: {assessment.likelihood.phrase} "
        f"({assessment.likelihood.low}-{assessment.likelihood.high}%), "
        f"{assessment.confidence} confidence — {'; '.join(assessment.confidence_reasons)}."
    )
    if assessment.actor and assessment.state:
        console.print(f"Actor: {assessment.actor.name} ({assessment.actor.probability:.0%})")
    console.print(
        f"State responsibility: {assessment.state_responsibility or 'not stated'} "
        f"({assessment.responsibility_basis})"
    )
    table(
        "Claims and their weight",
        ["Date", "Attributor", "Form", "Names", "Reliability", "Weight", "Analysis"],
        [
            (
                w.claim.date,
                w.claim.attributor_name,
                w.claim.form,
                " / ".join(n for n in (w.claim.actor_name, w.claim.state_name) if n),
                w.reliability.upper(),
                f"{w.weight:.2f}",
                w.analysis + 1,
            )
            for w in assessment.claims
        ],
    )


@attribute.command("network")
def network(
    partner: Annotated[
        str | None, typer.Option(help="Only the partners of this attributor (ISO3 or slug).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who attributes together: pairs of attributors who named the same culprit."""
    with reading() as session:
        web = claims.network_of(incidents.list_claims(session))
    if partner:
        partners = web.partners(partner.upper() if len(partner) == 3 else partner)
        if as_json:
            emit_json([{"partner": p, "name": web.names[p], "incidents": n} for p, n in partners])
            return
        table(
            f"Who attributed together with {web.names.get(partner.upper(), partner)}",
            ["Partner", "Incidents"],
            [(web.names[p], n) for p, n in partners],
        )
        return
    if as_json:
        emit_json([asdict(t) | {"count": t.count} for t in web.ties])
        return
    table(
        "Co-attribution",
        ["A", "B", "Incidents", "Joint statements"],
        [(web.names[t.a], web.names[t.b], t.count, t.joint_statements) for t in web.ties[:40]],
    )


def register(app: typer.Typer) -> None:
    app.add_typer(attribute, name="attribute")
