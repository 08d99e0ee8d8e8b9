"""Who voted: a member as written in a file (code, name), on a date, resolved to a voter code.

Withdrawn ISO 3166 codes and historical seats stay themselves; seats that changed hands on a
date (the USSR's to the Russian Federation, Yugoslavia's to Serbia) resolve by the vote's date.
"""

from __future__ import annotations

from datetime import date

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.models import Actor, ActorKind, alias_key

# Members whose ISO 3166-1 codes were withdrawn, by alpha-2 code; and their names.
FORMER_ISO2 = {"SU": "SUN", "YU": "YUG", "CS": "CSK", "DD": "DDR", "YD": "YMD"}
HISTORICAL = {
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "DDR": "German Democratic Republic",
    "YMD": "Democratic Yemen",
    "TWN": "Republic of China (Taiwan)",
    "ZAN": "Zanzibar",
}
# Members named without a code, by normalised name (either layout).
BY_NAME = {
    "federalrepublicofgermany": "DEU",
    "yemenarabrepublic": "YEM",
    "zanzibar": "ZAN",
    "ussr": "SUN",
    "unionofsovietsocialistrepublics": "SUN",
    "yugoslavia": "YUG",
    "czechoslovakia": "CSK",
    "germandemocraticrepublic": "DDR",
    "democraticyemen": "YMD",
    "yemenpeoplesrepublic": "YMD",
}
# Seats that changed hands on a date: (code, before the date, on and after it).
HANDOVERS = {
    "RUS": (date(1991, 12, 24), "SUN", "RUS"),
    "SUN": (date(1991, 12, 24), "SUN", "RUS"),
    "YUG": (date(2000, 11, 1), "YUG", "SRB"),
    "SCG": (date(2000, 11, 1), "YUG", "SRB"),
}


class Members:
    """Resolves a member as written in a file (code, name) and a date to a voter code."""

    def __init__(self, session: Session) -> None:
        states = session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE)).all()
        self.actors = {a.iso3: a for a in states if a.iso3}
        self.iso2 = {a.iso2: a.iso3 for a in states if a.iso2 and a.iso3}
        self.names: dict[str, str] = {}
        self._rules: dict[tuple[str, str], tuple[date | None, str, str]] = {}

    def _iso3(self, code: str, name: str) -> str | None:
        code = code.strip().upper()
        if len(code) == 2:
            if code in FORMER_ISO2:
                return FORMER_ISO2[code]
            if code in self.iso2:
                return self.iso2[code]
            found = pycountry.countries.get(alpha_2=code)
            return str(found.alpha_3) if found else None
        if len(code) == 3 and code.isalpha():
            return code
        return BY_NAME.get(alias_key(name))

    def rule(self, code: str, name: str) -> tuple[date | None, str, str] | None:
        """(handover date or None, code before, code after) for a member as written."""
        key = (code, name)
        if key not in self._rules:
            named = BY_NAME.get(alias_key(name))
            iso3 = named if named in HISTORICAL else self._iso3(code, name)
            if iso3 is None:
                return None
            cutoff, before, after = HANDOVERS.get(iso3, (None, iso3, iso3))
            self._rules[key] = (cutoff, before, after)
            for voter in {before, after}:
                self.names.setdefault(voter, HISTORICAL.get(voter) or name.strip() or voter)
        return self._rules[key]
