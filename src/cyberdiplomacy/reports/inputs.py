"""What a briefing is built from, read from the knowledge base: the notes' only I/O.

`background` and `engine` read what every note shares, once; `incident_note` and
`scenario_note` read the rest and call the pure `briefing.build`. `legal_assessment` is the
legal half alone, for `cyberdiplomacy law assess`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from cyberdiplomacy.attribution import Attribution, Engine, Observation, claims, from_session
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import incidents, positions, queries
from cyberdiplomacy.knowledge.incidents import IncidentDetail
from cyberdiplomacy.knowledge.records import BlocMembership
from cyberdiplomacy.law import assessment, responses
from cyberdiplomacy.law.assessment import LegalAssessment, Scenario
from cyberdiplomacy.law.characterisation import DEFAULT_STANDARD, POSITION_LABELS, STANDARDS
from cyberdiplomacy.law.facts import IncidentFacts
from cyberdiplomacy.reports.briefing import PARTNERS_SHOWN, TECHNICAL_SHOWN, Background, build
from cyberdiplomacy.reports.note import Briefing

Blocs = dict[str, list[BlocMembership]]


def background(session: Session) -> Background:
    """State names, positions on the questions of law, every recorded response, and who
    attributed with whom among governments and their bodies (companies left out)."""
    found = incidents.list_claims(session)
    governmental = [
        (claim.incident, fact)
        for claim, fact in zip(found, claims.facts(found), strict=True)
        if fact.attributor_kind != "company"
    ]
    states = queries.list_states(session, limit=queries.MAX_LIMIT).items
    # Positions on other questions (data localisation, …) do not bear on the law.
    legal = positions.profiles(session, POSITION_LABELS)
    return Background(
        states={s.iso3: s.name for s in states if s.iso3},
        positions=legal,
        responses=incidents.list_responses(session),
        network=claims.co_attribution(governmental),
    )


def engine(session: Session) -> Engine:
    """The technical attribution engine on the knowledge base's ATT&CK profiles."""
    return Engine(from_session(session))


def _profile_code(profile: str | None, known: Background) -> str | None:
    """The ISO3 code of a position profile, or `InvalidQuery` listing the available ones."""
    if profile is None:
        return None
    code = profile.strip().upper()
    if code not in known.positions:
        available = ", ".join(sorted(known.positions))
        raise InvalidQuery(
            "position profile",
            f"{profile!r} has no recorded legal positions; available: {available}",
        )
    return code


def _check_standard(standard: str) -> None:
    if standard not in STANDARDS:
        raise InvalidQuery("standard", f"{standard!r} is not one of {', '.join(STANDARDS)}")


def _blocs(session: Session, codes: Iterable[str], on: dt.date) -> Blocs:
    """The current blocs of the states among `codes` (partners may be bodies like the EU)."""
    found: Blocs = {}
    for code in codes:
        if len(code) == 3 and code.isupper():
            state = queries.state(session, code)
            found[code] = [b for b in state.blocs if b.until is None or b.until > on]
    return found


def _legal(
    session: Session,
    facts: IncidentFacts,
    known: Background,
    profile: str | None,
    standard: str,
    on: dt.date,
) -> tuple[LegalAssessment, Blocs]:
    """The legal assessment with the profile state as responder, and its and partners' blocs."""
    _check_standard(standard)
    stances = {
        state: {issue: p.stance for issue, p in found.items()}
        for state, found in known.positions.items()
    }
    context = None
    blocs: Blocs = {}
    if profile:
        partners = [code for code, _ in known.network.partners(profile)[:PARTNERS_SHOWN]]
        blocs = _blocs(session, [profile, *partners], on)
        context = responses.Context(
            responder=profile,
            eu_member=any(b.bloc == "eu" for b in blocs[profile]),
            injured=profile in facts.victims,
            positions=stances[profile],
        )
    legal = assessment.assess(
        facts,
        profile=profile,
        profiles=stances,
        standard=standard,
        context=context,
        earlier=known.responses,
    )
    return legal, blocs


def _ranking(detail: IncidentDetail, technical: Engine) -> Attribution | None:
    """The groups that best fit the incident's techniques and software the engine knows."""
    profiles = technical.profiles

    def usable(ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(i for i in ids if profiles.successors.get(i, i) in profiles.items)

    observation = Observation(
        techniques=usable(t.attack_id for t in detail.techniques),
        software=usable(s.attack_id for s in detail.software),
    )
    if not (observation.techniques or observation.software):
        return None
    return technical.attribute(observation, limit=TECHNICAL_SHOWN)


def legal_assessment(
    session: Session,
    key: str,
    *,
    profile: str | None = None,
    standard: str = DEFAULT_STANDARD,
) -> LegalAssessment:
    """The legal assessment of an incident under a position profile."""
    known = background(session)
    code = _profile_code(profile, known)
    detail = incidents.incident(session, key)
    facts = assessment.facts_of(detail, claims.assess(claims.facts(detail.claims)))
    return _legal(session, facts, known, code, standard, dt.date.today())[0]


def incident_note(
    session: Session,
    key: str,
    *,
    profile: str | None = None,
    standard: str = DEFAULT_STANDARD,
    prepared: dt.date | None = None,
    known: Background | None = None,
    technical: Engine | None = None,
) -> Briefing:
    """The briefing note on an incident; pass `known` and `technical` to reuse them."""
    prepared = prepared or dt.date.today()
    known = known or background(session)
    code = _profile_code(profile, known)
    detail = incidents.incident(session, key)
    weighed = claims.assess(claims.facts(detail.claims))
    legal, blocs = _legal(
        session, assessment.facts_of(detail, weighed), known, code, standard, prepared
    )
    ranking = None
    if detail.techniques or detail.software:
        ranking = _ranking(detail, technical or engine(session))
    return build(
        detail,
        legal,
        known,
        prepared=prepared,
        claims=weighed,
        technical=ranking,
        blocs=blocs,
    )


def scenario_note(
    session: Session,
    scenario: Scenario,
    *,
    profile: str | None = None,
    standard: str = DEFAULT_STANDARD,
    prepared: dt.date | None = None,
) -> Briefing:
    """The briefing note on a hypothetical incident."""
    prepared = prepared or dt.date.today()
    known = background(session)
    code = _profile_code(profile, known)
    legal, blocs = _legal(session, scenario.facts(), known, code, standard, prepared)
    return build(scenario, legal, known, prepared=prepared, blocs=blocs)
