"""The legal assessment on the bundled knowledge: positions of at least 8 states, every incident."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from cyberdiplomacy.attribution import claims
from cyberdiplomacy.knowledge import incidents, positions
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.law import assessment
from cyberdiplomacy.law.characterisation import Answer
from cyberdiplomacy.sources import curated, schemas


def test_national_positions_cover_at_least_eight_states_with_sources() -> None:
    records = curated.load(curated.bundled("positions.yaml"), schemas.Position)
    assert len({r.state for r in records}) >= 8
    assert {r.issue for r in records} >= {"sovereignty-rule", "due-diligence"}
    assert all(r.sources and r.summary for r in records)


def test_every_bundled_incident_gets_an_assessment(full_base: Engine) -> None:
    with transaction(full_base) as session:
        profiles = {
            state: {issue: p.stance for issue, p in found.items()}
            for state, found in positions.profiles(session).items()
        }
        earlier = incidents.list_responses(session)
        for summary in incidents.list_incidents(session, limit=500).items:
            detail = incidents.incident(session, summary.slug)
            facts = assessment.facts_of(detail, claims.assess(claims.facts(detail.claims)))
            for profile in ("GBR", "FRA"):
                found = assessment.assess(
                    facts, profile=profile, profiles=profiles, earlier=earlier
                )
                assert found.norms and found.options, summary.slug
                assert found.characterisation.steps[0].key == "attribution"


def test_notpetya_under_the_uk_and_french_positions(full_base: Engine) -> None:
    with transaction(full_base) as session:
        detail = incidents.incident(session, "notpetya")
        profiles = {
            state: {issue: p.stance for issue, p in found.items()}
            for state, found in positions.profiles(session).items()
        }
        earlier = incidents.list_responses(session)
    facts = assessment.facts_of(detail, claims.assess(claims.facts(detail.claims)))
    uk = assessment.assess(facts, profile="GBR", profiles=profiles, earlier=earlier)
    france = assessment.assess(facts, profile="FRA", profiles=profiles, earlier=earlier)
    assert uk.characterisation.step("sovereignty").answer is Answer.NO
    assert france.characterisation.step("sovereignty").answer is Answer.YES
    assert "sovereignty" in {d.step for d in uk.divergences}
    implicated = {n.code for n in uk.norms if n.finding == "implicated"}
    assert "GGE-2015-13f" in implicated
    sanctions = dict((o.key, p) for o, p in uk.options)["eu-sanctions"]
    assert any(p.responder == "EU" for p in sanctions)


def test_a_scenario_names_the_bad_field() -> None:
    with pytest.raises(ValidationError) as failure:
        assessment.Scenario.model_validate({"name": "Test", "sectors": ["nuclear-power"]})
    assert failure.value.errors()[0]["loc"] == ("sectors", 0)


def test_a_scenario_becomes_facts_with_a_likelihood() -> None:
    scenario = assessment.Scenario(
        name="Hypothetical grid attack",
        type="sabotage",
        victims=["EST"],
        sectors=["energy"],
        effects=["economic:disrupted-operations"],
        attributed_state="RUS",
        likelihood="very-likely",
        state_responsibility="state-executed",
        armed_conflict=False,
    )
    facts = scenario.facts()
    assert facts.attribution_probability == pytest.approx(0.87)
    found = assessment.assess(facts, profile="EST", profiles={"EST": {"sovereignty-rule": "yes"}})
    assert found.characterisation.wrongful_act is Answer.YES
