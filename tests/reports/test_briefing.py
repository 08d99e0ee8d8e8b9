"""The briefing note's content, built from the analyses on the bundled knowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from cyberdiplomacy.attribution import claims
from cyberdiplomacy.attribution.claims import BANDS
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import incidents
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.law import assessment
from cyberdiplomacy.law.assessment import Scenario
from cyberdiplomacy.reports import briefing, inputs, render
from cyberdiplomacy.reports.briefing import Background
from cyberdiplomacy.reports.note import SECTIONS, Briefing, OptionRow

PHRASES = {phrase for _, phrase, _, _ in BANDS}
Notes = Callable[..., Briefing]  # the `note` fixture: (incident, profile=None) → note


def option(note: Briefing, name: str) -> OptionRow:
    return next(o for o in note.options if o.name.startswith(name))


def test_a_note_builds_for_every_bundled_incident(full_base: Engine, note: Notes) -> None:
    with transaction(full_base) as session:
        slugs = [i.slug for i in incidents.list_incidents(session, limit=500).items]
    assert len(slugs) >= 40
    for slug in slugs:
        made = note(slug)
        text = render.markdown(made)
        assert all(section in text for section in SECTIONS), slug
        assert 3 <= len(made.bottom_line) <= 4, slug
        assert [o.rank for o in made.options] == sorted(o.rank for o in made.options), slug


def test_notpetya_names_russia_how_sure_the_norm_and_the_eu_sanctions(note: Notes) -> None:
    made = note("notpetya", "GBR")
    who = made.bottom_line[0]
    assert "Russia" in who and made.attribution.likelihood in PHRASES
    assert f"({made.attribution.low}\N{EN DASH}{made.attribution.high}%)" in who
    assert made.attribution.confidence in who
    assert "GGE-2015-13f" in made.bottom_line[1]
    assert "GGE-2015-13f" in {n.code for n in made.law.norms if n.finding == "implicated"}
    sanctions = option(made, "EU restrictive measures").precedents
    assert any(p.responder == "EU" and p.incident == "NotPetya" for p in sanctions)
    text = render.markdown(made)
    assert "Listed the GRU Main Centre for Special Technologies" in text


def test_the_position_profile_changes_the_sovereignty_conclusion(note: Notes) -> None:
    uk, france = note("notpetya", "GBR"), note("notpetya", "FRA")
    sovereignty = "Did it violate the victim state's sovereignty?"
    answers = {
        who: next(s.answer for s in made.law.steps if s.question == sovereignty)
        for who, made in (("GBR", uk), ("FRA", france))
    }
    assert answers == {"GBR": "no", "FRA": "yes"}
    assert "cannot yet be decided" in uk.bottom_line[2]
    assert "a violation of sovereignty" in france.bottom_line[2]
    diverging = next(d for d in uk.law.divergences if d.question == sovereignty)
    assert "France" in diverging.answers["yes"] and "United Kingdom" in diverging.answers["no"]


def test_eu_sanctions_are_open_to_eu_members_only(note: Notes) -> None:
    assert option(note("notpetya", "FRA"), "EU restrictive measures").status == "open"
    closed = option(note("notpetya", "GBR"), "EU restrictive measures")
    assert closed.status == "closed"
    assert any(p.holds is False and "EU member" in p.text for p in closed.preconditions)


def test_without_a_profile_the_note_takes_no_national_position(note: Notes) -> None:
    made = note("notpetya")
    assert made.profile is None and made.profile_name == briefing.NO_POSITION
    assert made.partners.before == [] and made.partners.blocs == []
    assert "With no national position chosen" in made.bottom_line[2]


def test_partners_are_governments_that_attributed_with_the_profile(note: Notes) -> None:
    partners = note("notpetya", "GBR").partners
    before = {p.name: p for p in partners.before}
    assert "United States" in before and "NATO" in before["United States"].shared_blocs
    assert not {"Microsoft", "FireEye", "CrowdStrike"} & set(before)
    assert "NATO" in partners.blocs and "United Kingdom" not in partners.attributed
    assert {"United States", "Australia"} <= set(partners.attributed)


def test_the_technical_ranking_is_there_only_for_observed_techniques(note: Notes) -> None:
    ranking = note("notpetya").attribution.technical
    assert ranking is not None and ranking.candidates[0].name == "Sandworm Team"
    assert ranking.candidates[0].sponsor == "Russia" and len(ranking.candidates) == 5
    assert note("bundestag-2015").attribution.technical is None


def test_dissent_is_shown_not_dropped(note: Notes) -> None:
    made = note("solarwinds")
    assert made.attribution.dissent
    assert "Dissent" in render.html(made)


def test_an_unknown_profile_lists_the_available_ones(full_base: Engine) -> None:
    with transaction(full_base) as session, pytest.raises(InvalidQuery) as failure:
        inputs.incident_note(session, "notpetya", profile="XYZ")
    assert "'XYZ'" in str(failure.value) and "FRA, GBR" in str(failure.value)


def test_the_marking_is_the_most_restrictive_tlp_of_the_records(
    full_base: Engine, background: Background
) -> None:
    with transaction(full_base) as session:
        detail = incidents.incident(session, "notpetya")
    marked = detail.model_copy(
        update={
            "claims": [detail.claims[0].model_copy(update={"tlp": "amber"}), *detail.claims[1:]]
        }
    )
    weighed = claims.assess(claims.facts(marked.claims))
    legal = assessment.assess(assessment.facts_of(marked, weighed), earlier=background.responses)
    made = briefing.build(marked, legal, background, prepared=dt.date(2025, 7, 1), claims=weighed)
    assert made.tlp == "amber"
    assert render.html(made).count("TLP:AMBER") >= 3  # title, running header, handling line


def test_a_scenario_note_is_marked_hypothetical(full_base: Engine) -> None:
    scenario = Scenario(
        name="Hypothetical attack on the Estonian grid",
        type="sabotage",
        victims=["EST"],
        sectors=["energy"],
        effects=["economic:disrupted-operations"],
        attributed_state="RUS",
        likelihood="very-likely",
        state_responsibility="state-executed",
    )
    with transaction(full_base) as session:
        made = inputs.scenario_note(session, scenario, profile="EST", prepared=dt.date(2025, 7, 1))
    assert made.hypothetical and made.attribution.technical is None
    assert made.bottom_line[0].startswith("It is very likely (80\N{EN DASH}95%) that Russia")
    assert made.happened.victims == ["Estonia"]
    assert option(made, "EU restrictive measures").status == "open"
    assert "Hypothetical scenario" in render.markdown(made)
