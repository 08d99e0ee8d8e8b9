"""Plain data for world maps: each state's vote on a resolution, or its stance on a question."""

from __future__ import annotations

from collections.abc import Mapping

from cyberdiplomacy.knowledge.votes import VOTES, VoteTable


def vote_map(table: VoteTable, symbol: str) -> dict[str, str]:
    """ISO3 → yes/no/abstain on the last whole-resolution vote on `symbol` (voters only)."""
    row = table.votes[table.find(symbol)]
    return {code: VOTES[int(v)] for code, v in zip(table.codes, row, strict=True) if v > 0}


def position_map(positions: Mapping[str, Mapping[str, str]], issue: str) -> dict[str, str]:
    """ISO3 → recorded stance (yes, no, qualified, unclear) on one contested question."""
    return {state: found[issue] for state, found in sorted(positions.items()) if issue in found}
