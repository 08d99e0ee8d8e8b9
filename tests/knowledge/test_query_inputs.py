"""Odd inputs to the query functions, on SQLite and PostgreSQL (empty, migrated bases).

Whatever a user types, a query answers, or raises `NotFound` / `InvalidQuery` — never a
database error, which the API would turn into a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import CyberDiplomacyError, InvalidQuery
from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import Actor, ActorKind

ODD_TEXT = [
    "'; DROP TABLE actor; --",
    "%",
    "_",
    "\\",
    "%%__%%",
    "../../etc/passwd",
    "Żółć Ελλάδα 中国",
    "🐻🐻",
    "\u202eraeb",
    "x" * 5000,
    "   ",
]
NUL_TEXT = ["\x00", "ab\x00cd"]

Lookup = Callable[[Session, str], Any]
LOOKUPS: dict[str, Lookup] = {
    "state": queries.state,
    "bloc": queries.bloc,
    "actor": queries.actor,
    "technique": queries.technique,
    "software": queries.software,
    "search": lambda s, t: queries.search(s, t),
    "list_states text": lambda s, t: queries.list_states(s, text=t),
    "list_states bloc": lambda s, t: queries.list_states(s, bloc=t),
    "list_actors text": lambda s, t: queries.list_actors(s, text=t),
    "list_actors sponsor": lambda s, t: queries.list_actors(s, sponsor=t),
    "list_actors kind": lambda s, t: queries.list_actors(s, kind=t),
    "list_techniques text": lambda s, t: queries.list_techniques(s, text=t),
    "list_techniques tactic": lambda s, t: queries.list_techniques(s, tactic=t),
    "list_software text": lambda s, t: queries.list_software(s, text=t),
    "list_software type": lambda s, t: queries.list_software(s, type=t),
}


def failures(engine: Engine, text: str) -> list[str]:
    """The lookups that fail on `text` with anything but the workbench's own errors."""
    found = []
    for name, lookup in LOOKUPS.items():
        try:
            with transaction(engine) as session:
                lookup(session, text)
        except CyberDiplomacyError:
            pass
        except Exception as exc:
            found.append(f"{name}: {type(exc).__name__}")
    return found


def test_odd_text_is_answered_or_refused_never_a_database_error(engine: Engine) -> None:
    found = {repr(text[:20]): failures(engine, text) for text in ODD_TEXT}
    assert {text: failed for text, failed in found.items() if failed} == {}


def test_text_with_nul_characters_is_refused_not_a_database_error(engine: Engine) -> None:
    found = {repr(text): failures(engine, text) for text in NUL_TEXT}
    assert {text: failed for text, failed in found.items() if failed} == {}


def test_huge_offsets_are_refused_not_a_database_error(engine: Engine) -> None:
    listings: list[Callable[..., Any]] = [
        queries.list_states,
        queries.list_actors,
        queries.list_techniques,
        queries.list_software,
    ]
    for offset in (2**31, 2**63 - 1, 2**63, 10**30):
        for listing in listings:
            with pytest.raises(InvalidQuery) as failure, transaction(engine) as session:
                listing(session, offset=offset)
            assert failure.value.parameter == "offset"


def test_largest_allowed_offset_gives_an_empty_page(engine: Engine) -> None:
    with transaction(engine) as session:
        page = queries.list_techniques(session, offset=queries.MAX_OFFSET)
    assert (page.items, page.total) == ([], 0)


def test_like_wildcards_in_text_match_literally(engine: Engine) -> None:
    """A '%' or '_' typed by a user is a character to find, not a pattern."""
    with transaction(engine) as session:
        session.add_all(
            [
                Actor(slug="abc", kind=ActorKind.STATE, name="Abc", iso3="ABC"),
                Actor(slug="a-c", kind=ActorKind.STATE, name="A_C", iso3="ACX"),
            ]
        )
    with transaction(engine) as session:
        assert [s.slug for s in queries.list_states(session, text="_").items] == ["a-c"]
        assert queries.list_states(session, text="%").total == 0
