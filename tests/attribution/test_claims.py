"""Weighing public attribution claims: independence, dissent, likelihood and confidence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from cyberdiplomacy.attribution import claims
from cyberdiplomacy.attribution.claims import ClaimFact
from cyberdiplomacy.knowledge import incidents
from cyberdiplomacy.knowledge.access import SYSTEM
from cyberdiplomacy.knowledge.database import transaction

DAY = dt.date(2018, 2, 15)


def claim(attributor: str, state: str = "RUS", **fields: object) -> ClaimFact:
    values: dict[str, object] = {
        "attributor": attributor,
        "attributor_name": attributor,
        "attributor_kind": "state",
        "date": DAY,
        "form": "statement",
        "state": state,
        "state_name": state,
    }
    values.update(fields)
    return ClaimFact(**values)  # type: ignore[arg-type]


def test_no_claims_give_no_judgement() -> None:
    assessment = claims.assess([])
    assert assessment.state is None and assessment.likelihood is None
    assert assessment.confidence == "low"


def test_ten_governments_in_one_joint_statement_are_one_analysis() -> None:
    joint = [claim(f"G{n:02}", joint_statement="one-statement") for n in range(10)]
    separate = [claim(f"G{n:02}") for n in range(10)]
    together, apart = claims.assess(joint), claims.assess(separate)
    assert together.analyses == 1 and apart.analyses == 10
    assert together.state is not None and apart.state is not None
    assert together.state.probability < apart.state.probability


def test_one_government_saying_it_twice_is_one_analysis() -> None:
    once = claims.assess([claim("GBR")])
    twice = claims.assess([claim("GBR"), claim("GBR", date=DAY + dt.timedelta(days=30))])
    assert twice.analyses == 1
    assert once.state is not None and twice.state is not None
    assert twice.state.probability <= once.state.probability + 1e-9


def test_an_indictment_weighs_more_than_a_statement() -> None:
    statement = claims.assess([claim("USA")])
    indictment = claims.assess([claim("USA", form="indictment")])
    assert statement.state is not None and indictment.state is not None
    assert indictment.state.probability > statement.state.probability


def test_disagreeing_claims_are_shown_not_hidden() -> None:
    found = claims.assess(
        [claim("GBR", form="indictment"), claim("USA"), claim("AUS"), claim("XYZ", state="CHN")]
    )
    assert found.state is not None and found.state.key == "RUS"
    assert [w.claim.attributor for w in found.dissent] == ["XYZ"]
    assert {h.key for h in found.states} == {"RUS", "CHN"}
    assert any("someone else" in reason for reason in found.confidence_reasons)


def test_more_independent_analyses_raise_likelihood_and_confidence() -> None:
    one = claims.assess([claim("GBR")])
    three = claims.assess(
        [claim("GBR"), claim("USA", form="indictment"), claim("AUS", form="sanctions-listing")]
    )
    assert one.confidence == "low" and three.confidence == "high"
    assert one.likelihood is not None and three.likelihood is not None
    assert three.likelihood.low > one.likelihood.low


def test_the_likelihood_phrase_matches_the_probability_band() -> None:
    for value in (0.03, 0.3, 0.5, 0.7, 0.9, 0.97):
        band = claims.likelihood_of(value)
        assert band.low <= value * 100 <= band.high, (value, band)


def test_probabilities_never_reach_certainty() -> None:
    many = claims.assess([claim(f"G{n:02}", form="indictment") for n in range(40)])
    assert many.state is not None and many.state.probability <= claims.CAP


def test_a_group_named_alone_implicates_its_sponsor_more_weakly() -> None:
    direct = claims.assess([claim("GBR")])
    via_group = claims.assess(
        [claim("GBR", state=None, state_name=None, actor="apt28", actor_sponsor="RUS")]
    )
    assert direct.state is not None and via_group.state is not None
    assert via_group.state.key == "RUS"
    assert via_group.state.probability < direct.state.probability


def test_stated_state_responsibility_is_reported() -> None:
    found = claims.assess([claim("GBR", state_responsibility="state-executed"), claim("USA")])
    assert found.state_responsibility == "state-executed"
    unstated = claims.assess([claim("GBR")])
    assert unstated.state_responsibility is None
    assert "no attributor stated" in unstated.responsibility_basis


def test_co_attribution_ties_governments_that_named_the_same_culprit() -> None:
    network = claims.co_attribution(
        [
            ("notpetya", claim("GBR", joint_statement="j1")),
            ("notpetya", claim("USA", joint_statement="j1")),
            ("wannacry", claim("GBR", state="PRK")),
            ("wannacry", claim("USA", state="PRK")),
            ("wannacry", claim("JPN", state="PRK")),
            ("solarwinds", claim("USA")),
            ("solarwinds", claim("CHN", state="USA")),
        ]
    )
    assert network.partners("GBR") == [("USA", 2), ("JPN", 1)]
    tie = network.ties[0]
    assert (tie.a, tie.b, tie.count, tie.joint_statements) == ("GBR", "USA", 2, 1)
    assert ("CHN", 1) not in network.partners("USA")


def test_every_bundled_incident_with_claims_gets_an_assessment(full_base: Engine) -> None:
    with transaction(full_base, SYSTEM) as session:
        slugs = [i.slug for i in incidents.list_incidents(session, limit=500).items]
        for slug in slugs:
            found = claims.assess(claims.facts(incidents.list_claims(session, incident=slug)))
            if found.claims:
                assert found.likelihood is not None, slug
                assert found.state is not None or found.actor is not None, slug
        notpetya = claims.assess(claims.facts(incidents.list_claims(session, incident="notpetya")))
    assert notpetya.state is not None and notpetya.state.key == "RUS"
    assert notpetya.confidence == "high"
