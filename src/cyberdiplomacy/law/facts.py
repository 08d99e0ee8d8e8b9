"""The facts of an incident that norms and law turn on, with `None` for what is not known.

An assessment must say "cannot decide" rather than guess, so every fact can be unknown: an
empty list of effects means the effects were not reported, not that there were none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# DHS CIIP sectors the GGE treats as critical infrastructure providing services to the public
# (A/70/174 para 13 f; the 2021 report's guidance names healthcare, energy, water, finance,
# transport, communications and electoral processes among examples).
CRITICAL_SECTORS = frozenset(
    {
        "chemical",
        "communications",
        "critical-manufacturing",
        "dams",
        "emergency-services",
        "energy",
        "financial-services",
        "food-agriculture",
        "government-facilities",
        "healthcare-public",
        "it",
        "nuclear",
        "transport",
        "water",
    }
)
# organizational-cyber-harm values that mean a system was damaged or its use impaired.
IMPAIRING = frozenset(
    {
        "physical-digital:destroyed",
        "physical-digital:damaged-or-unavailable",
        "physical-digital:corrupted",
        "physical-digital:reduced-performance",
        "economic:disrupted-operations",
        "social-societal:disruption-in-daily-activities",
    }
)
PHYSICAL_HARM = frozenset({"physical-digital:bodily-injury", "physical-digital:loss-of-life"})
DESTRUCTION = frozenset({"physical-digital:destroyed"})
DISCLOSURE = frozenset({"physical-digital:exposed-leaked", "physical-digital:theft"})
# Healey's spectrum, from the state-responsibility taxonomy, by how directly a state acts.
RESPONSIBILITY_ORDER = (
    "state-prohibited.",
    "state-prohibited-but-inadequate.",
    "state-ignored",
    "state-encouraged",
    "state-shaped",
    "state-coordinated",
    "state-ordered",
    "state-rogue-conducted",
    "state-executed",
    "state-integrated",
)
# Levels at which the state's own organs act or direct the operation (ARSIWA arts 4 and 8).
STATE_CONDUCT = frozenset(
    {"state-ordered", "state-rogue-conducted", "state-executed", "state-integrated"}
)
STATE_SUPPORT = frozenset({"state-encouraged", "state-shaped", "state-coordinated"})
STATE_TOLERANCE = frozenset({"state-prohibited-but-inadequate.", "state-ignored"})


@dataclass(frozen=True)
class IncidentFacts:
    """What is known about an incident, as the law module needs it."""

    name: str
    slug: str | None = None
    type: str | None = None
    victims: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    armed_conflict: bool | None = None
    state: str | None = None
    state_name: str | None = None
    attribution_probability: float | None = None
    state_responsibility: str | None = None
    actor: str | None = None
    military_unit: bool | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def effects_known(self) -> bool:
        return bool(self.effects)

    @property
    def critical_infrastructure(self) -> bool | None:
        """Whether critical infrastructure was hit; `None` when no sector or target is known."""
        if "critical-infrastructure" in self.targets or "hospitals-health" in self.targets:
            return True
        if self.sectors:
            return bool(CRITICAL_SECTORS & set(self.sectors))
        return None if not self.targets else False

    def has_effect(self, wanted: frozenset[str]) -> bool | None:
        """Whether any of `wanted` effects occurred; `None` when effects were not reported."""
        return bool(wanted & set(self.effects)) if self.effects else None

    def has_target(self, target: str) -> bool | None:
        """Whether `target` was hit; `None` when no target and no sector is known."""
        if target in self.targets:
            return True
        return False if (self.targets or self.sectors) else None
