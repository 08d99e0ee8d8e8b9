"""Common ground: which package of draft provisions the most states could accept.

Each draft provision is tagged with the stance it takes on contested questions (a clause
affirming that international humanitarian law applies takes "yes" on `ihl-applies`). A state's
support for a provision is, question by question, 1 when its published position takes the same
stance, 0 when it takes the opposite one and 1/2 when it is qualified or unclear; the lowest of
these counts, since one red line sinks a clause. A state without a recorded position on a question
is estimated from the five states with one that vote most like it in the General Assembly (mean
of their scores), or 1/2 when nothing is known.

A state's support for a package is its lowest support for any provision in it, and a package's
breadth the sum of its states' support (the expected number of states that can accept it). The
search takes exactly one provision of each `group` of alternatives, every `required` one, and
the optional ones that cost less than half a state, and returns the broadest package (of those
within half a state of it, the one with the most provisions).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from cyberdiplomacy.consensus.agreement import AgreementMatrix
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.sources.schemas import PositionIssue

PEERS = 5
MAX_PACKAGES = 1 << 16
UNKNOWN = 0.5
TOLERANCE = 0.5  # expected supporters a package may lose to keep one more provision


class Provision(BaseModel):
    """A draft provision and the stances it takes on contested questions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    text: str = Field(min_length=3)
    issues: dict[PositionIssue, Literal["yes", "no"]] = Field(min_length=1)
    group: str | None = None
    required: bool = False


@dataclass(frozen=True)
class StateSupport:
    """A state's support for the package, and per provision; `estimated` when no position."""

    iso3: str
    support: float
    provisions: dict[str, float]
    estimated_from: list[str]


@dataclass(frozen=True)
class ProvisionSupport:
    """A provision's expected supporters, and the states that reject it outright."""

    id: str
    text: str
    supporters: float
    rejected_by: list[str]
    in_package: bool
    cost: float  # expected supporters the best package would lose by taking it (0 if it has)


@dataclass(frozen=True)
class Package:
    """A set of provisions and how many states are expected to accept all of them."""

    provisions: list[str]
    supporters: float


@dataclass(frozen=True)
class CommonGround:
    """The broadest package, the runners-up, and support per provision and per state."""

    states: int
    best: Package
    runners_up: list[Package]
    provisions: list[ProvisionSupport]
    support: list[StateSupport]


def _score(stance: str, wanted: str) -> float:
    if stance == wanted:
        return 1.0
    return 0.0 if stance in ("yes", "no") else UNKNOWN


def _peers(
    states: Sequence[str], similarity: AgreementMatrix | None
) -> dict[str, list[tuple[float, str]]]:
    """Every state's others, most alike in the General Assembly first."""
    if similarity is None:
        return {}
    position = {code: i for i, code in enumerate(similarity.codes)}
    found: dict[str, list[tuple[float, str]]] = {}
    for state in states:
        if state not in position:
            continue
        row = similarity.index[position[state]]
        found[state] = sorted(
            ((v, other) for other, v in zip(similarity.codes, row, strict=True) if v is not None),
            reverse=True,
        )
    return found


def support_matrix(
    provisions: Sequence[Provision],
    positions: Mapping[str, Mapping[str, str]],
    states: Sequence[str],
    similarity: AgreementMatrix | None = None,
) -> tuple[NDArray[np.float64], dict[str, list[str]]]:
    """Support of each state (columns) for each provision (rows), and whom estimates came from."""
    peers = _peers(states, similarity)
    support = np.ones((len(provisions), len(states)))
    sources: dict[str, list[str]] = {}
    for column, state in enumerate(states):
        for row, provision in enumerate(provisions):
            for issue, wanted in provision.issues.items():
                stance = positions.get(state, {}).get(issue)
                if stance is not None:
                    score = _score(stance, wanted)
                else:
                    near = [
                        other
                        for _, other in peers.get(state, [])
                        if other != state and issue in positions.get(other, {})
                    ][:PEERS]
                    scores = [_score(positions[other][issue], wanted) for other in near]
                    score = float(np.mean(scores)) if scores else UNKNOWN
                    sources.setdefault(state, [])
                    sources[state] += [o for o in near if o not in sources[state]]
                support[row, column] = min(support[row, column], score)
    return support, sources


def _choices(provisions: Sequence[Provision]) -> list[list[tuple[int, ...]]]:
    """Per group of alternatives, or per optional provision, the ways to take part in it."""
    groups: dict[str, list[int]] = {}
    choices: list[list[tuple[int, ...]]] = []
    for i, provision in enumerate(provisions):
        if provision.group:
            groups.setdefault(provision.group, []).append(i)
        else:
            choices.append([(i,)] if provision.required else [(i,), ()])
    for members in groups.values():
        required = [i for i in members if provisions[i].required]
        if len(required) > 1:
            raise InvalidQuery("provisions", "a group of alternatives has two required ones")
        choices.append([(i,) for i in (required or members)])
    return choices


def common_ground(
    provisions: Sequence[Provision],
    positions: Mapping[str, Mapping[str, str]],
    states: Sequence[str],
    similarity: AgreementMatrix | None = None,
) -> CommonGround:
    """The package of provisions with the widest expected support (see the module docstring)."""
    if len({p.id for p in provisions}) < len(provisions):
        raise InvalidQuery("provisions", "two provisions share an id")
    if not states:
        raise InvalidQuery("states", "no states to count support from")
    support, sources = support_matrix(provisions, positions, states, similarity)
    choices = _choices(provisions)
    if np.prod([len(c) for c in choices], dtype=float) > MAX_PACKAGES:
        raise InvalidQuery("provisions", f"more than {MAX_PACKAGES} possible packages")
    packages = []
    for combination in itertools.product(*choices):
        chosen = sorted(i for part in combination for i in part)
        breadth = float(support[chosen].min(axis=0).sum()) if chosen else float(len(states))
        packages.append((round(breadth, 4), len(chosen), chosen))
    # Within half a state of the broadest, the package with more provisions wins.
    broadest = max(p[0] for p in packages)
    packages.sort(key=lambda p: (p[0] < broadest - TOLERANCE, -p[1], -p[0], p[2]))
    best = packages[0][2]
    accepted = support[best].min(axis=0) if best else np.ones(len(states))
    return CommonGround(
        states=len(states),
        best=Package([provisions[i].id for i in best], packages[0][0]),
        runners_up=[Package([provisions[i].id for i in p[2]], p[0]) for p in packages[1:4]],
        provisions=[
            ProvisionSupport(
                id=p.id,
                text=p.text,
                supporters=round(float(support[i].sum()), 2),
                rejected_by=[states[int(c)] for c in np.flatnonzero(support[i] == 0)],
                in_package=i in best,
                cost=round(float(accepted.sum() - np.minimum(accepted, support[i]).sum()), 2),
            )
            for i, p in enumerate(provisions)
        ],
        support=[
            StateSupport(
                iso3=state,
                support=round(float(accepted[c]), 3),
                provisions={p.id: round(float(support[i, c]), 3) for i, p in enumerate(provisions)},
                estimated_from=sources.get(state, []),
            )
            for c, state in enumerate(states)
        ],
    )
