"""Briefing notes built on the full bundled base, once per session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from cyberdiplomacy.attribution import Engine as Ranking
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.reports import inputs
from cyberdiplomacy.reports.briefing import Background
from cyberdiplomacy.reports.note import Briefing

Notes = Callable[..., Briefing]


@pytest.fixture(scope="session")
def background(full_base: Engine) -> Background:
    with transaction(full_base) as session:
        return inputs.background(session)


@pytest.fixture(scope="session")
def technical(full_base: Engine) -> Ranking:
    with transaction(full_base) as session:
        return inputs.engine(session)


@pytest.fixture(scope="session")
def note(full_base: Engine, background: Background, technical: Ranking) -> Notes:
    """The note on an incident under a position profile (None: no national position)."""
    made: dict[tuple[str, str | None], Briefing] = {}

    def make(key: str, profile: str | None = None) -> Briefing:
        if (key, profile) not in made:
            with transaction(full_base) as session:
                made[key, profile] = inputs.incident_note(
                    session,
                    key,
                    profile=profile,
                    prepared=dt.date(2025, 7, 1),
                    known=background,
                    technical=technical,
                )
        return made[key, profile]

    return make
