"""Weigh public attribution claims into one assessment, and map who attributes with whom.

Each claim is weighed by the attributor's reliability (Admiralty scale), its form (an
indictment or sanctions listing rests on more evidence than a statement), the likelihood it
stated (ICD 203) and its recency. Claims are not independent analyses when they share an
attributor or a joint statement: such claims form one *analysis*, which counts once at its
strongest, with a small bonus for every further government that put its name to it.
The analyses' support for each named state (or actor) adds up as log-odds against an
"someone else" alternative; the result is an ICD 203 likelihood phrase, a confidence level that
depends on how many independent analyses agree and on what kind of evidence, and a state
responsibility level from the Healey spectrum where attributors stated one. Claims that name
someone else are returned as dissent, never dropped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cyberdiplomacy.knowledge.incidents import Claim

# Admiralty scale (source reliability) as a weight; F (cannot be judged) sits in the middle.
RELIABILITY = {"a": 1.0, "b": 0.8, "c": 0.6, "d": 0.4, "e": 0.2, "f": 0.5}
DEFAULT_RELIABILITY = {"state": "b", "organization": "b", "agency": "b", "company": "c"}
FORM = {
    "indictment": 1.0,
    "sanctions-listing": 0.9,
    "technical-advisory": 0.9,
    "joint-statement": 0.8,
    "company-report": 0.7,
    "statement": 0.7,
    "parliamentary-statement": 0.5,
}
LEGAL_OR_TECHNICAL = {"indictment", "sanctions-listing", "technical-advisory", "company-report"}
STATED = {  # how strongly a stated ICD 203 likelihood commits the attributor
    "almost-certain": 1.0,
    "very-likely": 0.9,
    "likely": 0.75,
    "roughly-even-chance": 0.5,
    "unlikely": 0.3,
    "very-unlikely": 0.15,
    "almost-no-chance": 0.05,
}
# ICD 203 likelihood bands (estimative-language taxonomy), lower bound first.
BANDS = (
    ("almost-certain", "almost certain", 95, 99),
    ("very-likely", "very likely", 80, 95),
    ("likely", "likely", 55, 80),
    ("roughly-even-chance", "roughly even chance", 45, 55),
    ("unlikely", "unlikely", 20, 45),
    ("very-unlikely", "very unlikely", 5, 20),
    ("almost-no-chance", "almost no chance", 1, 5),
)
EVIDENCE_SCALE = 2.5  # log-odds added by one analysis of weight 1
RECENCY = 0.95  # per year a claim is older than the newest one
CORROBORATION = 0.1  # per further government in one analysis (log scale)
CAP = 0.99


@dataclass(frozen=True)
class ClaimFact:
    """What the assessment needs to know about one claim."""

    attributor: str
    attributor_name: str
    attributor_kind: str
    date: dt.date
    form: str
    actor: str | None = None
    actor_name: str | None = None
    actor_sponsor: str | None = None
    state: str | None = None
    state_name: str | None = None
    likelihood: str | None = None
    state_responsibility: str | None = None
    joint_statement: str | None = None
    reliability: str | None = None


@dataclass(frozen=True)
class WeighedClaim:
    """A claim with its weight and the factors that made it, and the analysis it belongs to."""

    claim: ClaimFact
    reliability: str
    weight: float
    factors: dict[str, float]
    analysis: int


@dataclass(frozen=True)
class Hypothesis:
    """A state (ISO3) or actor (slug) held responsible, with its probability."""

    key: str
    name: str
    probability: float
    analyses: int


@dataclass(frozen=True)
class Likelihood:
    """An ICD 203 likelihood: machine tag value, phrase and percentage band."""

    value: str
    phrase: str
    low: int
    high: int


@dataclass(frozen=True)
class Assessment:
    """The combined judgement on one incident, with every claim and how much it weighed."""

    state: Hypothesis | None
    actor: Hypothesis | None
    states: tuple[Hypothesis, ...]
    actors: tuple[Hypothesis, ...]
    likelihood: Likelihood | None
    confidence: str
    confidence_reasons: tuple[str, ...]
    state_responsibility: str | None
    responsibility_basis: str
    claims: tuple[WeighedClaim, ...]
    dissent: tuple[WeighedClaim, ...]
    analyses: int


def facts(claims: Iterable[Claim]) -> list[ClaimFact]:
    """The assessment's view of claims read from the knowledge base."""
    return [
        ClaimFact(
            attributor=c.attributor.iso3 or c.attributor.slug,
            attributor_name=c.attributor.name,
            attributor_kind=c.attributor.kind,
            date=c.date,
            form=c.form,
            actor=c.actor.slug if c.actor else None,
            actor_name=c.actor.name if c.actor else None,
            actor_sponsor=c.actor.sponsor_iso3 if c.actor else None,
            state=c.state.iso3 if c.state else None,
            state_name=c.state.name if c.state else None,
            likelihood=c.likelihood,
            state_responsibility=c.state_responsibility,
            joint_statement=c.joint_statement,
            reliability=c.source.reliability if c.source else None,
        )
        for c in claims
    ]


def likelihood_of(probability: float) -> Likelihood:
    """The ICD 203 band a probability falls in."""
    percent = probability * 100
    for value, phrase, low, high in BANDS:
        if percent >= low:
            return Likelihood(value, phrase, low, high)
    value, phrase, low, high = BANDS[-1]
    return Likelihood(value, phrase, low, high)


def _weigh(claim: ClaimFact, newest: dt.date) -> tuple[str, float, dict[str, float]]:
    letter = claim.reliability or DEFAULT_RELIABILITY.get(claim.attributor_kind, "f")
    factors = {
        "reliability": RELIABILITY[letter],
        "form": FORM.get(claim.form, 0.5),
        "stated likelihood": STATED.get(claim.likelihood or "", 0.8),
        "recency": RECENCY ** ((newest - claim.date).days / 365.25),
    }
    return letter, math.prod(factors.values()), factors


def _analyses(claims: Sequence[ClaimFact]) -> list[int]:
    """Group claims that share an attributor or a joint statement (union-find)."""
    parent = list(range(len(claims)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, claim in enumerate(claims):
        for key in (f"by:{claim.attributor}", f"joint:{claim.joint_statement}"):
            if key == "joint:None":
                continue
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    roots = {r: n for n, r in enumerate(dict.fromkeys(root(i) for i in range(len(claims))))}
    return [roots[root(i)] for i in range(len(claims))]


def _posterior(
    weighed: Sequence[WeighedClaim], named: Iterable[tuple[int, str, str, float]]
) -> tuple[Hypothesis, ...]:
    """Hypotheses from (claim index, key, name, share) support, as probabilities."""
    support: dict[str, dict[int, float]] = defaultdict(dict)
    governments: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    for index, key, name, share in named:
        claim = weighed[index]
        analysis = support[key]
        analysis[claim.analysis] = max(analysis.get(claim.analysis, 0.0), claim.weight * share)
        governments[key][claim.analysis].add(claim.claim.attributor)
        names[key] = name
    # An analysis that named several culprits (a government revising itself, a politician
    # contradicting its agencies) supports only the one it backed most strongly.
    best: dict[int, float] = defaultdict(float)
    for analyses in support.values():
        for a, w in analyses.items():
            best[a] = max(best[a], w)
    support = {
        key: {a: w for a, w in analyses.items() if w >= best[a]}
        for key, analyses in support.items()
    }
    support = {key: analyses for key, analyses in support.items() if analyses}
    scores = {
        key: EVIDENCE_SCALE
        * sum(
            w * (1 + CORROBORATION * math.log(len(governments[key][a])))
            for a, w in analyses.items()
        )
        for key, analyses in support.items()
    }
    if not scores:
        return ()
    top = max(scores.values())
    odds = {key: math.exp(score - top) for key, score in scores.items()}
    total = sum(odds.values()) + math.exp(-top)  # "someone else" keeps log-odds 0
    return tuple(
        sorted(
            (
                Hypothesis(key, names[key], min(CAP, o / total), len(support[key]))
                for key, o in odds.items()
            ),
            key=lambda h: (-h.probability, h.key),
        )
    )


def _confidence(
    top: Hypothesis, weighed: Sequence[WeighedClaim], dissent: Sequence[WeighedClaim]
) -> tuple[str, tuple[str, ...]]:
    forms = {w.claim.form for w in weighed if w not in dissent}
    solid = sorted(forms & LEGAL_OR_TECHNICAL)
    against = sum(w.weight for w in dissent)
    reasons = [
        "1 independent analysis"
        if top.analyses == 1
        else f"{top.analyses} independent analyses agree",
        f"legal or technical evidence: {', '.join(solid)}" if solid else "statements only",
    ]
    if dissent:
        reasons.append(f"{len(dissent)} claim(s) name someone else")
    strong_dissent = against > 0.25 * sum(w.weight for w in weighed if w not in dissent)
    if top.analyses >= 3 and solid and not strong_dissent:
        return "high", tuple(reasons)
    if (top.analyses >= 2 or solid) and not strong_dissent:
        return "moderate", tuple(reasons)
    return "low", tuple(reasons)


def _responsibility(
    top: Hypothesis | None, weighed: Sequence[WeighedClaim]
) -> tuple[str | None, str]:
    if top is None:
        return None, "no claim names a state"
    votes: dict[str, float] = defaultdict(float)
    for w in weighed:
        if w.claim.state_responsibility and top.key in (w.claim.state, w.claim.actor_sponsor):
            votes[w.claim.state_responsibility] += w.weight
    if not votes:
        return None, f"no attributor stated how {top.name} was involved (Healey spectrum)"
    level = max(votes, key=lambda v: (votes[v], v))
    return level, f"stated by attributors with total weight {votes[level]:.2f}"


def assess(claims: Sequence[ClaimFact]) -> Assessment:
    """Combine the claims about one incident into an assessment; no claims, no judgement."""
    if not claims:
        return Assessment(
            None,
            None,
            (),
            (),
            None,
            "low",
            ("no public attribution claims",),
            None,
            "no claim names a state",
            (),
            (),
            0,
        )
    newest = max(c.date for c in claims)
    analyses = _analyses(claims)
    weighed = [
        WeighedClaim(c, letter, weight, factors, analysis)
        for c, analysis in zip(claims, analyses, strict=True)
        for letter, weight, factors in [_weigh(c, newest)]
    ]
    states = _posterior(
        weighed,
        [
            (i, key, name, share)
            for i, c in enumerate(claims)
            for key, name, share in (
                [(c.state, c.state_name or c.state, 1.0)]
                if c.state
                # A claim naming only a group implicates its suspected sponsor, more weakly.
                else [(c.actor_sponsor, c.actor_sponsor, 0.5)]
                if c.actor_sponsor
                else []
            )
        ],
    )
    actors = _posterior(
        weighed,
        [(i, c.actor, c.actor_name or c.actor, 1.0) for i, c in enumerate(claims) if c.actor],
    )
    state = states[0] if states else None
    actor = actors[0] if actors else None
    lead = state or actor
    assert lead is not None
    dissent = tuple(
        w
        for w in weighed
        if (state and w.claim.state and w.claim.state != state.key)
        or (actor and w.claim.actor and w.claim.actor != actor.key)
    )
    confidence, reasons = _confidence(lead, weighed, dissent)
    level, basis = _responsibility(state, weighed)
    return Assessment(
        state=state,
        actor=actor,
        states=states,
        actors=actors,
        likelihood=likelihood_of(lead.probability),
        confidence=confidence,
        confidence_reasons=reasons,
        state_responsibility=level,
        responsibility_basis=basis,
        claims=tuple(sorted(weighed, key=lambda w: (w.claim.date, -w.weight))),
        dissent=dissent,
        analyses=len(set(analyses)),
    )


# Co-attribution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """Two attributors who named the same culprit for the same incident."""

    a: str
    b: str
    incidents: tuple[str, ...]
    joint_statements: int

    @property
    def count(self) -> int:
        return len(self.incidents)


@dataclass(frozen=True)
class Network:
    """Who attributes with whom, and how often."""

    names: dict[str, str]
    ties: tuple[Tie, ...] = field(default=())

    def partners(self, attributor: str) -> list[tuple[str, int]]:
        """The attributors who most often joined `attributor`, with the number of incidents."""
        found = [
            (t.b if t.a == attributor else t.a, t.count)
            for t in self.ties
            if attributor in (t.a, t.b)
        ]
        return sorted(found, key=lambda p: (-p[1], p[0]))


def network_of(claims: Sequence[Claim]) -> Network:
    """The co-attribution network of claims read from the knowledge base."""
    return co_attribution((c.incident, f) for c, f in zip(claims, facts(claims), strict=True))


def co_attribution(claims: Iterable[tuple[str, ClaimFact]]) -> Network:
    """The co-attribution network from (incident, claim) pairs.

    Two attributors are tied by an incident when both named the same state or actor for it.
    """
    culprits: dict[tuple[str, str], set[str]] = defaultdict(set)
    joint: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for incident, claim in claims:
        names[claim.attributor] = claim.attributor_name
        for culprit in {claim.state, claim.actor_sponsor if not claim.state else None} - {None}:
            culprits[(incident, str(culprit))].add(claim.attributor)
        if claim.joint_statement:
            joint[(incident, claim.joint_statement)].add(claim.attributor)
    together: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (incident, _), attributors in culprits.items():
        for a in attributors:
            for b in attributors:
                if a < b:
                    together[(a, b)].add(incident)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for attributors in joint.values():
        for a in attributors:
            for b in attributors:
                if a < b:
                    shared[(a, b)] += 1
    ties = tuple(
        sorted(
            (Tie(a, b, tuple(sorted(i)), shared[(a, b)]) for (a, b), i in together.items()),
            key=lambda t: (-t.count, t.a, t.b),
        )
    )
    return Network(names=names, ties=ties)
