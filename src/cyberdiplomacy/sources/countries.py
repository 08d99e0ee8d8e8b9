"""States (UN members and observers, ISO 3166-1) and their blocs, from country_converter/YAML."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import country_converter
import pycountry
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Membership
from cyberdiplomacy.progress import Progress, Silent
from cyberdiplomacy.sources import curated, schemas

UN_OBSERVERS = ("VAT", "PSE")  # the Holy See and the State of Palestine


@dataclass(frozen=True)
class State:
    iso3: str
    iso2: str
    name: str
    official_name: str
    un_status: str
    un_member_since: int | None


@lru_cache(maxsize=1)
def _converter() -> Any:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return country_converter.CountryConverter()


def _iso(iso3: str) -> Any:
    found = pycountry.countries.get(alpha_3=iso3)
    if found is None:
        raise ImportFailed("pycountry", f"{iso3} is not an ISO 3166-1 alpha-3 code")
    return found


def un_states() -> list[State]:
    """Every UN member and observer state: membership from country_converter, codes from ISO."""
    found = []
    for row in _converter().data.itertuples():
        member = str(row.UNmember) != "<NA>" and row.UNmember == row.UNmember
        if not member and row.ISO3 not in UN_OBSERVERS:
            continue
        iso = _iso(row.ISO3)
        found.append(
            State(
                iso3=iso.alpha_3,
                iso2=iso.alpha_2,
                name=row.name_short,
                official_name=row.name_official,
                un_status="member" if member else "observer",
                un_member_since=int(row.UNmember) if member else None,
            )
        )
    return found


def to_iso3(names: list[str]) -> dict[str, str]:
    """Map country names (in any common spelling) to ISO3; names that are not states are absent."""
    unique = sorted(set(names))
    if not unique:
        return {}
    codes = _converter().convert(unique, to="ISO3", not_found=None)
    codes = codes if isinstance(codes, list) else [codes]
    return {n: c for n, c in zip(unique, codes, strict=True) if isinstance(c, str) and len(c) == 3}


def _package_source(session: Session) -> int:
    src = store.source(
        session,
        publisher="country_converter (IndEcol)",
        title=f"country_converter {version('country_converter')} country classifications",
        url="https://github.com/IndEcol/country_converter",
    )
    return src.id


def import_states(session: Session, progress: Progress | None = None) -> int:
    """Create or update one `state` actor per UN member and observer; returns how many."""
    progress = progress or Silent()
    states = un_states()
    progress.start("States", len(states))
    source_id, today = _package_source(session), date.today()
    for state in states:
        actor = store.actor(session, state.iso3.lower(), ActorKind.STATE, state.name)
        actor.iso3, actor.iso2 = state.iso3, state.iso2
        actor.un_status, actor.un_member_since = state.un_status, state.un_member_since
        actor.source_id, actor.as_of = source_id, today
        iso = _iso(state.iso3)
        names = [state.official_name, state.iso3, iso.name, getattr(iso, "common_name", iso.name)]
        store.set_aliases(actor, names)
        progress.advance()
    session.flush()
    return len(states)


def import_blocs(
    session: Session, path: Path | None = None, progress: Progress | None = None
) -> int:
    """Create the blocs and replace their memberships; returns the number of memberships."""
    progress = progress or Silent()
    blocs = curated.blocs(path)
    progress.start("Blocs", len(blocs))
    states = {
        a.iso3: a for a in session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE))
    }
    table = _converter().data
    package_source, count = _package_source(session), 0
    as_of: date | None = date.today()
    for bloc in blocs:
        actor = store.actor(session, bloc.slug, ActorKind.ORGANIZATION, bloc.name)
        actor.description = bloc.full_name
        store.set_aliases(actor, [bloc.full_name])
        if bloc.country_converter:
            column = table[bloc.country_converter]
            members = [schemas.Member(iso3=iso3) for iso3 in table.ISO3[column.notna()]]
            source_id, as_of = package_source, date.today()
        else:
            assert bloc.source is not None
            src = store.source(
                session,
                publisher=bloc.source.publisher,
                title=bloc.source.title,
                url=str(bloc.source.url) if bloc.source.url else None,
                published=bloc.source.published,
            )
            members, source_id, as_of = bloc.members, src.id, bloc.as_of
        actor.source_id, actor.as_of = source_id, as_of
        session.flush()
        session.execute(delete(Membership).where(Membership.bloc_id == actor.id))
        for member in members:
            state = states.get(member.iso3)
            if state is None and bloc.country_converter:
                continue  # a territory that country_converter groups but the UN does not seat
            if state is None:
                raise ImportFailed(
                    str(path or curated.bundled("blocs.yaml")),
                    f"member {member.iso3} is not a UN member or observer state",
                    ref=bloc.slug,
                )
            session.add(
                Membership(
                    member_id=state.id,
                    bloc_id=actor.id,
                    since=member.since,
                    until=member.until,
                    source_id=source_id,
                    as_of=as_of,
                )
            )
            count += 1
        progress.advance()
    session.flush()
    return count
