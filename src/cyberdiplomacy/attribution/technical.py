"""Technical attribution: rank threat groups, and their suspected sponsors, from observed TTPs.

The score of a group is a log-linear (naive-Bayes-shaped) model over per-item evidence. Each
observed item the group's profile explains adds a bonus that grows with the item's rarity
(IDF over groups: a technique most groups use says little, a rare malware family says a lot),
with separate weights for software and techniques, a term that discounts matches of very large
profiles, and a cosine term (rarity squared over the profile's norm) that rewards a profile
concentrated on what was seen. Profile size enters as a prior (prolific groups are behind more
operations) and, times the query length, as the cost of observed items a profile lacks.
Unobserved items are ignored: a report never lists everything.

Besides: BM25's saturated match weight (probabilistic IDF, with matches counting less in
profiles larger than average), exact matches of items only this group has (a group's unique
malware is near-conclusive), the share of the observation the profile explains, and a
`related` term: an observed item the profile lacks counts by its strongest co-occurrence
(cosine over groups) with one of the profile's items, so a new report's unseen-but-usual
techniques still point to the group. Each was kept because it improved top-1/top-5 and
log-likelihood under group-wise cross-validation on both report protocols.

Partial matches count at a fraction of an exact one: a sub-technique is partly explained by a
group with its parent, a sibling, or (for a parent) one of its sub-techniques, and a technique
by a group whose software implements it. Revoked ids resolve to their successors first.

The coefficients, and the logit of the "unknown actor" class, were fitted by maximum conditional
likelihood (`evaluate.fit_engine`) on held-out ATT&CK reports of Enterprise 18.1, so the
softmax over groups and "unknown" is calibrated without a separate temperature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.attribution.profiles import (
    Catalogue,
    Group,
    GroupProfiles,
    Item,
    Observation,
    Query,
)
from cyberdiplomacy.errors import InvalidQuery

Scores = NDArray[np.float64]
FEATURES = (
    "technique_rarity",
    "software_rarity",
    "technique_matches",
    "software_matches",
    "matches_x_log_size",
    "query_x_log_size",
    "log_size",
    "cosine",
    "partial_rarity",
    "saturated_matches",
    "unique_techniques",
    "unique_software",
    "matched_share",
    "related",
)
OBSERVABLE = ("technique", "software")
BM25_K1, BM25_B = 1.2, 0.75  # BM25's usual saturation and length-normalisation constants


@dataclass(frozen=True)
class Parameters:
    """Partial-match credits and facet weight (set a priori) and fitted coefficients.

    `coefficients` follow `FEATURES`; refit them with `evaluate.fit_engine` when the data change.
    """

    parent_credit: float = 0.5  # observed sub-technique, the group has its parent
    child_credit: float = 0.5  # observed parent, the group has one of its sub-techniques
    sibling_credit: float = 0.25  # observed sub-technique, the group has a sibling
    software_credit: float = 0.25  # observed technique, one of the group's software does it
    facet_weight: float = 0.5  # per matching sector or victim state (knowledge base only)
    coefficients: tuple[float, ...] = (
        0.1241,
        0.4668,
        0.2574,
        -0.4704,
        -0.0524,
        -0.0786,
        -0.0144,
        2.574,
        0.0665,
        0.2751,
        0.1032,
        2.1292,
        3.3781,
        0.1932,
    )
    unknown_logit: float = 5.451


@dataclass(frozen=True)
class Evidence:
    """An observed item that speaks for a group; `via` names the group's own item it matched."""

    item: str
    name: str
    match: str
    weight: float
    via: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A group with its probability, suspected sponsor (ISO3) and evidence, strongest first."""

    attack_id: str
    name: str
    probability: float
    sponsor: str | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class StateLikelihood:
    """A state suspected to sponsor the groups that fit, with their summed probability."""

    iso3: str
    probability: float


@dataclass(frozen=True)
class Attribution:
    """The ranking: group candidates, `others` (groups past the limit) and `unknown` sum to 1.

    `states` sum to at most 1 - unknown: groups without a suspected sponsor add to no state.
    `resolved` maps revoked ids to the successors used; `unused` lists observed items no
    profile has.
    """

    candidates: tuple[Candidate, ...]
    states: tuple[StateLikelihood, ...]
    unknown: float
    others: float
    resolved: Mapping[str, str] = field(default_factory=dict)
    unused: tuple[str, ...] = ()


def _credit(profiles: GroupProfiles, parameters: Parameters) -> NDArray[np.float64]:
    """Credit in [0, 1] for every (item, group): 1 exact, a fraction partial, 0 none.

    Item-major (one row per item), so that a query reads contiguous rows.
    """
    index = profiles.items.index
    direct = np.zeros((len(index), len(profiles.groups)))
    for column, group in enumerate(profiles.groups):
        direct[[index[k] for k in group.items], column] = 1.0
    subs = profiles.items.sub_techniques
    has_parent = np.zeros_like(direct)
    has_parent[subs.sources] = direct[subs.targets]
    has_child = subs.any_source(direct)
    has_sibling = np.zeros_like(direct)
    has_sibling[subs.sources] = has_child[subs.targets]
    credit: NDArray[np.float64] = np.maximum.reduce(
        [
            direct,
            parameters.parent_credit * has_parent,
            parameters.child_credit * has_child,
            parameters.sibling_credit * has_sibling,
            parameters.software_credit * profiles.items.implementations.any_source(direct),
        ]
    )
    return credit


def _saturation(
    using: NDArray[np.int64], sizes: NDArray[np.int64], groups: int
) -> NDArray[np.float64]:
    """BM25's weight of an exact match for every (item, group).

    Probabilistic IDF (the log-odds that a group uses the item, floored at 0) times BM25's
    saturating term with binary term frequency: a match counts less in a profile larger than
    average, so prolific groups do not collect every common technique's credit.
    """
    idf = np.maximum(np.log((groups - using + 0.5) / (using + 0.5)), 0.0)
    length = 1.0 - BM25_B + BM25_B * sizes / max(float(sizes.mean()), 1.0)
    weight: NDArray[np.float64] = idf[:, None] * (BM25_K1 + 1.0) / (1.0 + BM25_K1 * length)
    return weight


def _related(
    exact: NDArray[np.bool_], is_facet: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """For every (item, group): the item's strongest co-occurrence with one of the group's items.

    Co-occurrence is the cosine between the items' columns of group usage (how often groups
    that use one also use the other), so an observed item a profile lacks still counts for a
    group known for items that usually go with it. Returns the cosine and that item's row.
    """
    usage = np.where(is_facet[:, None], False, exact).astype(np.float64)
    used = np.flatnonzero(usage.any(axis=1))
    unit = usage[used] / np.sqrt(usage[used].sum(axis=1, keepdims=True))
    cosine = unit @ unit.T
    np.fill_diagonal(cosine, 0.0)
    related = np.zeros_like(usage)
    via = np.full(usage.shape, -1, dtype=np.intp)
    for group in range(usage.shape[1]):
        own = np.flatnonzero(usage[used, group])
        if len(own):
            best = cosine[:, own].argmax(axis=1)
            related[used, group] = cosine[np.arange(len(used)), own[best]]
            via[used, group] = used[own[best]]
    return related, via


class Engine:
    """The attribution model over one set of profiles; build once, query many times."""

    def __init__(self, profiles: GroupProfiles, parameters: Parameters | None = None) -> None:
        if not profiles.groups:
            raise InvalidQuery(
                "ATT&CK profiles",
                f"{profiles.origin} has no threat groups: "
                "run `cyberdiplomacy import attack BUNDLE`",
            )
        self.profiles = profiles
        self.parameters = p = parameters or Parameters()
        if len(p.coefficients) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} coefficients, got {len(p.coefficients)}")
        self.coefficients = np.array(p.coefficients)
        self.index = profiles.items.index
        self.keys = list(profiles.items)
        self.credit = _credit(profiles, p)
        kinds = [profiles.items[k].kind for k in profiles.items]
        self.is_software = np.array([k == "software" for k in kinds], dtype=bool)
        self.is_facet = np.array([k not in OBSERVABLE for k in kinds], dtype=bool)
        observable = self.credit[~self.is_facet] == 1.0
        using = (self.credit == 1.0).sum(axis=1)
        self.rarity = np.log((len(profiles.groups) + 2) / (using + 1))
        self.log_size = np.log1p(observable.sum(axis=0))
        norm = np.sqrt(self.rarity[~self.is_facet] ** 2 @ observable)
        self.norm = np.where(norm > 0, norm, 1.0)
        self.unique = (using == 1) & ~self.is_facet
        self.saturation = _saturation(using, observable.sum(axis=0), len(profiles.groups))
        self.related, self.related_via = _related(self.credit == 1.0, self.is_facet)
        self.sponsors = sorted({g.sponsor for g in profiles.groups if g.sponsor})
        self.sponsor_rows = np.array(
            [self.sponsors.index(g.sponsor) if g.sponsor else -1 for g in profiles.groups],
            dtype=np.intp,
        )

    def _columns(self, query: Query) -> list[int]:
        return [self.index[k] for k in query.keys if k in self.index]

    def features(self, query: Query) -> NDArray[np.float64]:
        """The evidence features of every group (rows, profile order) in `FEATURES` order."""
        columns = np.array(self._columns(query), dtype=np.intp)
        columns = columns[~self.is_facet[columns]]
        software = self.is_software[columns]
        credit = self.credit[columns]
        exact = np.where(credit == 1.0, 1.0, 0.0)
        rarity = self.rarity[columns]
        query_norm = max(float(np.sqrt(rarity @ rarity)), 1e-12)
        unique = exact * self.unique[columns, None]
        return np.stack(
            [
                rarity[~software] @ exact[~software],
                rarity[software] @ exact[software],
                exact[~software].sum(axis=0),
                exact[software].sum(axis=0),
                exact.sum(axis=0) * self.log_size,
                len(columns) * self.log_size,
                self.log_size,
                (rarity**2 @ exact) / (self.norm * query_norm),
                rarity @ (credit - exact),
                (self.saturation[columns] * exact).sum(axis=0),
                unique[~software].sum(axis=0),
                unique[software].sum(axis=0),
                exact.sum(axis=0) / max(len(columns), 1),
                rarity @ (self.related[columns] * (1.0 - exact)),
            ],
            axis=1,
        )

    def scores(self, query: Query) -> Scores:
        """The logit of every group, in profile order (the unknown actor's is fixed)."""
        columns = self._columns(query)
        facets = [c for c in columns if self.is_facet[c]]
        facet_score = self.parameters.facet_weight * self.credit[facets].sum(axis=0)
        return np.asarray(self.features(query) @ self.coefficients + facet_score)

    def probabilities(self, query: Query) -> tuple[Scores, float]:
        """Calibrated probabilities of every group (profile order) and of an unknown actor."""
        logits = np.append(self.scores(query), self.parameters.unknown_logit)
        logits -= logits.max()
        odds = np.exp(logits)
        odds /= odds.sum()
        return odds[:-1], float(odds[-1])

    def attribute(self, observation: Observation, limit: int | None = 10) -> Attribution:
        """Rank groups and sponsor states for an observation; raises on invalid ids."""
        query = self.profiles.resolve(observation)
        groups, unknown = self.probabilities(query)
        order = np.argsort(-groups, kind="stable")
        shown = order if limit is None else order[:limit]
        sponsored = self.sponsor_rows >= 0
        states = np.bincount(
            self.sponsor_rows[sponsored], groups[sponsored], minlength=len(self.sponsors)
        )
        rows = [int(row) for row in shown]
        return Attribution(
            candidates=tuple(
                Candidate(
                    attack_id=self.profiles.groups[row].attack_id,
                    name=self.profiles.groups[row].name,
                    probability=float(groups[row]),
                    sponsor=self.profiles.groups[row].sponsor,
                    evidence=evidence,
                )
                for row, evidence in zip(rows, self._evidence(rows, query), strict=True)
            ),
            states=tuple(
                StateLikelihood(self.sponsors[n], float(states[n]))
                for n in np.argsort(-states, kind="stable")
            ),
            unknown=unknown,
            others=float(groups[order[len(shown) :]].sum()),
            resolved=query.resolved,
            unused=query.unused,
        )

    def evidence(self, row: int, query: Query) -> tuple[Evidence, ...]:
        """The observed items that count for one group, strongest first."""
        return self._evidence([row], query)[0]

    def _evidence(self, rows: list[int], query: Query) -> list[tuple[Evidence, ...]]:
        """The evidence of several groups at once.

        An item's weight is its share of the group's score: the terms of `features` it adds
        to, times their coefficients (the profile-size and query-length terms left out). An
        item the profile lacks but that usually goes with one of its items is `related`.
        """
        keys = [k for k in query.keys if k in self.index]
        columns = np.array([self.index[k] for k in keys], dtype=np.intp)
        at = np.ix_(columns, np.array(rows, dtype=np.intp))
        credit, related = self.credit[at], self.related[at]
        c = self.coefficients
        facet = self.is_facet[columns][:, None]
        software = self.is_software[columns].astype(np.intp)
        rarity = self.rarity[columns][:, None]
        query_norm = max(float(np.linalg.norm(self.rarity[columns[~facet[:, 0]]])), 1e-12)
        exact = (
            c[software][:, None] * rarity
            + c[2 + software][:, None]
            + c[4] * self.log_size[rows][None, :]
            + c[7] * rarity**2 / (self.norm[rows][None, :] * query_norm)
            + c[9] * self.saturation[at]
            + c[10 + software][:, None] * self.unique[columns, None]
            + c[12] / max(int((~facet).sum()), 1)
        )
        weights = np.where(
            facet,
            self.parameters.facet_weight * credit,
            np.where(credit == 1.0, exact, rarity * (c[8] * credit + c[13] * related)),
        )
        found = []
        for n, row in enumerate(rows):
            group = self.profiles.groups[row]
            items = []
            for i in np.flatnonzero((credit[:, n] > 0) | (related[:, n] > 0)):
                item = self.profiles.items[keys[i]]
                if credit[i, n] > 0:
                    match, via = _match(item, group, self.profiles.items)
                else:
                    match, via = "related", self.keys[self.related_via[columns[i], row]]
                items.append(Evidence(item.key, item.name, match, float(weights[i, n]), via))
            found.append(tuple(sorted(items, key=lambda e: (-e.weight, e.item))))
        return found


def _match(item: Item, group: Group, items: Catalogue) -> tuple[str, str | None]:
    """How an observed item meets a group's profile, and through which of its items."""
    if item.key in group.items:
        return "exact", None
    if item.parent in group.items:
        return "parent", item.parent
    none: frozenset[str] = frozenset()
    for match, candidates in (
        ("sub-technique", items.children.get(item.key, none)),
        ("sibling", items.children.get(item.parent or "", none)),
        ("software", items.implementers.get(item.key, none)),
    ):
        if found := group.items & candidates:
            return match, min(found)
    return "software", None
