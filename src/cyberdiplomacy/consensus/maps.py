"""Plain data for world maps: each state's vote on a resolution, or its stance on a question."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.votes import VOTES, VoteTable

STANCES = ("yes", "qualified", "unclear", "no")  # the legend's order, from one end to the other


@dataclass(frozen=True)
class Question:
    """A contested question, and what a "yes" and a "no" stance on it say."""

    issue: str
    text: str
    yes: str
    no: str


# The contested questions of `data/positions.yaml` (the `PositionIssue` keys), in reading order.
QUESTIONS = {
    q.issue: q
    for q in (
        Question(
            "ihl-applies",
            "Does international humanitarian law apply to cyber operations?",
            "IHL applies",
            "IHL does not apply (or its application is premature)",
        ),
        Question(
            "new-binding-instrument",
            "Is a new legally binding instrument on ICT security needed?",
            "a new treaty is needed",
            "existing international law and norms suffice",
        ),
        Question(
            "sovereignty-rule",
            "Is sovereignty a standalone rule whose violation is internationally wrongful?",
            "a standalone rule",
            "a principle only",
        ),
        Question(
            "due-diligence",
            "Is due diligence a binding obligation to act against operations from one's territory?",
            "a binding obligation",
            "not (yet) binding",
        ),
        Question(
            "collective-countermeasures",
            "May states take countermeasures on behalf of an injured state?",
            "collective countermeasures are lawful",
            "only the injured state may take countermeasures",
        ),
        Question(
            "multistakeholder-governance",
            "Multistakeholder or state-led Internet governance?",
            "multistakeholder",
            "state-led, multilateral",
        ),
        Question(
            "data-localisation",
            "Does the state require or support keeping data in its territory?",
            "requires or supports data localisation",
            "committed not to require it",
        ),
    )
}


@dataclass(frozen=True)
class StanceMap:
    """Each state's recorded stance on one question, and how many states take each stance."""

    question: Question
    stances: dict[str, str]
    counts: dict[str, int]


def vote_map(table: VoteTable, symbol: str) -> dict[str, str]:
    """ISO3 → yes/no/abstain on the last whole-resolution vote on `symbol` (voters only)."""
    row = table.votes[table.find(symbol)]
    return {code: VOTES[int(v)] for code, v in zip(table.codes, row, strict=True) if v > 0}


def position_map(positions: Mapping[str, Mapping[str, str]], issue: str) -> dict[str, str]:
    """ISO3 → recorded stance (yes, no, qualified, unclear) on one contested question."""
    return {state: found[issue] for state, found in sorted(positions.items()) if issue in found}


def question(issue: str) -> Question:
    """A contested question by its key; InvalidQuery naming the keys for any other."""
    try:
        return QUESTIONS[issue]
    except KeyError:
        raise InvalidQuery("issue", f"{issue!r} is not one of {', '.join(QUESTIONS)}") from None


def stance_map(positions: Mapping[str, Mapping[str, str]], issue: str) -> StanceMap:
    """The map of one question: the stances recorded on it and their counts, in legend order."""
    stances = position_map(positions, question(issue).issue)
    found = list(stances.values())
    return StanceMap(QUESTIONS[issue], stances, {s: found.count(s) for s in STANCES})
