"""`unga …` and `positions …`: votes, blocs, ideal points, forecasts, positions on
the contested questions, common ground."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyberdiplomacy.cli.common import (
    JsonOption,
    console,
    emit_json,
    progress,
    reading,
    table,
)
from cyberdiplomacy.consensus import agreement, blocs, common_ground, cyber, ideal, maps
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import positions as position_queries
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.sources import curated

group = typer.Typer(
    help="UN General Assembly votes: agreement, bloc cohesion, ideal points, cyber resolutions, "
    "vote forecasts.",
    no_args_is_help=True,
)
positions = typer.Typer(help="States' positions on the contested questions.", no_args_is_help=True)

IssueOption = Annotated[
    str | None,
    typer.Option(
        "--issue", help=f"Only roll calls on this issue: {', '.join(votes.ISSUES)} (or its name)."
    ),
]
SinceOption = Annotated[int | None, typer.Option("--from", help="First year, e.g. 2000.")]
UntilOption = Annotated[int | None, typer.Option("--to", help="Last year, e.g. 2018.")]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _votes(
    first_session: int | None = None,
) -> tuple[votes.VoteTable, dict[str, list[votes.Tenure]]]:
    """The recorded votes and the blocs; a clear error when no votes were imported."""
    with reading() as session:
        found = votes.vote_table(session, first_session=first_session)
        tenures = votes.bloc_tenures(session)
    if not len(found):
        raise InvalidQuery("votes", "no UNGA votes yet: run `cyberdiplomacy import unga DIR`")
    return found, tenures


@group.command("agreement")
def show_agreement(
    a: Annotated[str, typer.Argument(help="A state (ISO3), or SUN, YUG, CSK, DDR…")],
    b: Annotated[str, typer.Argument(help="Another state.")],
    issue: IssueOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """How often two states voted alike: share of identical votes and the weighted index."""
    found, _ = _votes()
    result = agreement.agreement(found, a, b, issue=issue, since=since, until=until)
    if as_json:
        emit_json(result)
        return
    console.print(
        f"{result.a} and {result.b}: {_percent(result.identical)} identical votes, "
        f"agreement index {_percent(result.index)}, over {result.votes} roll calls."
    )
    table(
        "By session",
        ["Session", "Votes", "Identical", "Index"],
        [(s.session, s.votes, _percent(s.identical), _percent(s.index)) for s in result.sessions],
    )


@group.command("cohesion")
def show_cohesion(
    bloc: Annotated[str, typer.Argument(help="Bloc slug: eu, nato, sco, brics, asean, au…")],
    issue: IssueOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """How closely a bloc votes together, session by session (Agreement Index, Rice index)."""
    found, tenures = _votes()
    if bloc.lower() not in tenures:
        raise InvalidQuery("bloc", f"{bloc!r} is not one of {', '.join(sorted(tenures))}")
    selected = found.select(issue=issue, since=since, until=until)
    result = blocs.cohesion(selected, bloc.lower(), tenures[bloc.lower()])
    if as_json:
        emit_json(result)
        return
    console.print(
        f"{bloc.upper()}: agreement index {_percent(result.agreement_index)}, Rice "
        f"{_percent(result.rice)} over {result.roll_calls} roll calls."
    )
    table(
        "By session",
        ["Session", "Year", "Roll calls", "Members", "Agreement index", "Rice"],
        [
            (
                p.session,
                p.year,
                p.roll_calls,
                p.members,
                _percent(p.agreement_index),
                _percent(p.rice),
            )
            for p in result.sessions
        ],
    )


@group.command("ideal-points")
def show_ideal_points(
    session: Annotated[
        int | None, typer.Option(help="The session (default: the latest recorded).")
    ] = None,
    anchor: Annotated[
        str, typer.Option(help="The state placed on the positive side of the scale.")
    ] = "USA",
    as_json: JsonOption = False,
) -> None:
    """States' ideal points on a session's main dimension (logistic item-response model)."""
    found, _ = _votes(first_session=session)
    chosen = session if session is not None else int(found.sessions.max())
    result = ideal.ideal_points(found, chosen, anchor=anchor)
    if as_json:
        emit_json(result)
        return
    table(
        f"Ideal points, session {result.session} ({result.roll_calls} contested roll calls)",
        ["Rank", "State", "Name", "Score", "Votes"],
        [(i, p.code, p.name, f"{p.score:+.2f}", p.votes) for i, p in enumerate(result.points, 1)],
    )


@group.command("ideal-points-over-time")
def show_ideal_points_over_time(
    first: Annotated[
        int | None,
        typer.Option("--first-session", help="First session (default: 19 before the last)."),
    ] = None,
    last: Annotated[
        int | None, typer.Option("--last-session", help="Last session (default: the latest).")
    ] = None,
    states: Annotated[
        list[str] | None,
        typer.Option("--state", help="A state to follow (repeat); default: ten of the main camps."),
    ] = None,
    anchor: Annotated[
        str, typer.Option(help="The state placed on the positive side of the scale.")
    ] = "USA",
    as_json: JsonOption = False,
) -> None:
    """States' ranks (and scores) on each session's main dimension, over a range of sessions.

    Each session is fitted separately (see `unga ideal-points`), so compare ranks across sessions.
    """
    with reading() as session:
        latest = votes.latest_session(session)
    if latest is None:
        raise InvalidQuery("votes", "no UNGA votes yet: run `cyberdiplomacy import unga DIR`")
    last = min(last, latest) if last is not None else latest
    first = first if first is not None else max(1, last - ideal.RECENT_SESSIONS + 1)
    if first > last:
        raise InvalidQuery("first session", f"session {first} is after session {last}")
    found, _ = _votes(first_session=first)
    codes = [c.upper() for c in states] if states else list(ideal.FOLLOWED)
    with progress() as bars:
        result = ideal.over_time(
            found, range(first, last + 1), codes, anchor=anchor.upper(), progress=bars
        )
    if as_json:
        emit_json(result)
        return
    table(
        f"Rank per session (1: the {result.anchor or 'anchor'} end), sessions {first}-{last}",
        ["State", *map(str, result.sessions)],
        [
            (t.code, *({p.session: p.rank for p in t.places}.get(s, "") for s in result.sessions))
            for t in result.states
        ],
    )
    if result.skipped:
        console.print(f"Too few contested roll calls to fit: {', '.join(map(str, result.skipped))}")


@group.command("cyber")
def show_cyber(
    first: Annotated[str, typer.Option(help="The first rival resolution.")] = cyber.RIVALS[0],
    second: Annotated[str, typer.Option(help="The second rival resolution.")] = cyber.RIVALS[1],
    as_json: JsonOption = False,
) -> None:
    """The rival ICT-security resolutions: bridges, bloc splits, swing states of the next round."""
    from cyberdiplomacy.consensus.forecast import Forecaster  # scikit-learn: only when needed

    found, tenures = _votes()
    result = cyber.rivals(found, tenures, Forecaster(found, tenures), (first, second))
    if as_json:
        emit_json(result)
        return
    table(
        "ICT-security and cybercrime votes",
        ["Symbol", "Topic", "Date", "Yes", "No", "Abstain", "Title"],
        [(v.symbol, v.topic, v.date, v.yes, v.no, v.abstain, v.title[:60]) for v in result.history],
    )
    console.print(
        f"Voted for both {result.first.symbol} and {result.second.symbol} "
        f"({len(result.bridges)} bridges): {', '.join(result.bridges)}"
    )
    table(
        "Members who left their bloc's line",
        ["Bloc", "Resolution", "Bloc vote", "Members (their vote)"],
        [
            (s.bloc, s.symbol, s.majority, ", ".join(f"{m.iso3} ({m.vote})" for m in s.splits))
            for s in result.splits
        ],
    )
    table(
        f"Swing states for session {result.next_session} (least certain forecasts)",
        [
            "State",
            "Name",
            "2018 camp",
            f"{result.first.symbol} yes/no/abst",
            f"{result.second.symbol} yes/no/abst",
        ],
        [
            (
                s.iso3,
                s.name,
                s.camp,
                "/".join(f"{v:.2f}" for v in s.first.values()),
                "/".join(f"{v:.2f}" for v in s.second.values()),
            )
            for s in result.swing_states
        ],
    )


@group.command("forecast")
def show_forecast(
    title: Annotated[str, typer.Option("--title", help="The draft resolution's title.")],
    session: Annotated[int, typer.Option("--session", help="The session it will be voted in.")],
    like: Annotated[
        list[str] | None,
        typer.Option("--like", help="An earlier resolution it follows, e.g. A/RES/73/27 (repeat)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast every member's vote (yes/no/abstain with probabilities) on a draft resolution."""
    from cyberdiplomacy.consensus.forecast import Forecaster  # scikit-learn: only when needed

    found, tenures = _votes()
    result = Forecaster(found, tenures).forecast(title, session, like or [])
    if as_json:
        emit_json(
            {
                "forecast": [
                    {"iso3": m.iso3, "vote": m.vote, "probabilities": m.probabilities}
                    for m in result.members
                ]
            }
        )
        return
    table(
        "Most similar earlier resolutions",
        ["Symbol", "Session", "Similarity", "Title"],
        [(s.symbol, s.session, f"{s.similarity:.2f}", s.title[:70]) for s in result.similar],
    )
    console.print("Expected: " + ", ".join(f"{v:.0f} {k}" for k, v in result.expected.items()))
    table(
        f"Forecast for session {session}",
        ["State", "Name", "Vote", "P(yes)", "P(no)", "P(abstain)"],
        [
            (
                m.iso3,
                m.name,
                m.vote,
                *(f"{m.probabilities[k]:.2f}" for k in ("yes", "no", "abstain")),
            )
            for m in result.members
        ],
    )


@group.command("backtest")
def show_backtest(
    first: Annotated[
        int | None, typer.Option("--first-session", help="First session to predict.")
    ] = None,
    last: Annotated[
        int | None, typer.Option("--last-session", help="Last session to predict.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Replay the forecast: fit on sessions before s, predict s; against two baselines.

    By default: the last ten sessions for all roll calls, and every session with a vote on
    ICT security or cybercrime for the cyber set.
    """
    from cyberdiplomacy.consensus.backtest import standard_backtests  # scikit-learn: lazily
    from cyberdiplomacy.consensus.forecast import Forecaster

    found, tenures = _votes()
    with progress() as bars:
        results = standard_backtests(Forecaster(found, tenures), first, last, bars)
    if as_json:
        emit_json(results)
        return
    for result in results:
        table(
            f"{result.subset}: sessions {', '.join(map(str, result.sessions))} "
            f"({result.roll_calls} roll calls)",
            [
                "Method",
                "Votes",
                "Accuracy",
                "Recall yes",
                "Recall no",
                "Recall abstain",
                "Log loss",
            ],
            [
                (
                    s.method,
                    s.predictions,
                    _percent(s.accuracy),
                    *(_percent(s.recall[k]) for k in ("yes", "no", "abstain")),
                    "" if s.log_loss is None else f"{s.log_loss:.3f}",
                )
                for s in result.scores
            ],
        )


@positions.command("list")
def list_positions(
    issue: Annotated[
        str | None,
        typer.Option("--issue", help=f"Only this question: {', '.join(maps.QUESTIONS)}."),
    ] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only this state (ISO3).")] = None,
    as_json: JsonOption = False,
) -> None:
    """States' published stances on the contested questions, with their sources."""
    if issue is not None:
        maps.question(issue)  # a clear error naming the questions
    with reading() as session:
        found = position_queries.list_positions(session, issue=issue, state=state)
    if as_json:
        emit_json(found)
        return
    if issue is not None:
        question = maps.QUESTIONS[issue]
        stances = [p.stance for p in found]
        console.print(
            f"{question.text} (yes: {question.yes}; no: {question.no}): "
            + ", ".join(f"{stances.count(s)} {s}" for s in maps.STANCES)
        )
    by_question = issue is None
    table(
        "Positions" + ("" if by_question else f" on {issue}"),
        ["State", *(["Question"] if by_question else []), "Stance", "Source", "As of", "Summary"],
        [
            (
                p.state.iso3 or p.state.slug,
                *([p.issue] if by_question else []),
                p.stance,
                p.source.publisher if p.source else "",
                p.as_of or "",
                p.summary,
            )
            for p in found
        ],
    )


@positions.command("common-ground")
def show_common_ground(
    path: Annotated[
        Path,
        typer.Argument(
            help="A YAML list of draft provisions: id, text, issues ({issue: yes|no}), and "
            "optionally group (alternatives) and required.",
            exists=True,
            dir_okay=False,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Estimate each state's support for draft provisions and find the broadest package."""
    provisions = curated.load(path, common_ground.Provision)
    with reading() as session:
        stances = {
            state: {issue: p.stance for issue, p in issues.items()}
            for state, issues in position_queries.profiles(session).items()
        }
        states = votes.member_states(session)
        latest = votes.latest_session(session)
        recent = votes.vote_table(session, first_session=latest - 4) if latest else None
    similarity = agreement.agreement_matrix(recent) if recent is not None else None
    result = common_ground.common_ground(provisions, stances, states, similarity)
    if as_json:
        emit_json(result)
        return
    console.print(
        f"Broadest package: {', '.join(result.best.provisions) or '(none)'}; expected "
        f"supporters {result.best.supporters:.1f} of {result.states} states."
    )
    table(
        "Provisions",
        ["Id", "In package", "Expected supporters", "Cost", "Rejected by"],
        [
            (
                p.id,
                "yes" if p.in_package else "",
                f"{p.supporters:.1f}",
                f"{p.cost:.1f}",
                ", ".join(p.rejected_by),
            )
            for p in result.provisions
        ],
    )


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="unga")
    app.add_typer(positions, name="positions")
