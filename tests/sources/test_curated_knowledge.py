"""The bundled curated knowledge: every record sourced and dated, every reference resolving."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine

from cyberdiplomacy.knowledge import incidents as incident_queries
from cyberdiplomacy.knowledge import instruments as instrument_queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.sources import bundled, curated, schemas
from cyberdiplomacy.sources.attack import read_bundle

DATASETS = [(d.file, d.schema) for d in bundled.DATASETS]


@pytest.mark.parametrize(("file", "schema"), DATASETS, ids=[f for f, _ in DATASETS])
def test_bundled_file_validates_against_its_schema(file: str, schema: type[BaseModel]) -> None:
    records, problems = curated.check(curated.bundled(file), schema)
    assert problems == []
    assert records


@pytest.mark.parametrize(("file", "schema"), DATASETS[1:], ids=[f for f, _ in DATASETS[1:]])
def test_every_record_is_sourced_and_dated(file: str, schema: type[BaseModel]) -> None:
    for _, record in curated.load_lines(curated.bundled(file), schema):
        assert isinstance(record, schemas.Sourced)
        assert record.sources and all(s.publisher and s.title for s in record.sources)
        for source in record.sources:
            assert source.published is None or source.published <= record.as_of, record


@pytest.mark.parametrize(("file", "schema"), DATASETS[1:], ids=[f for f, _ in DATASETS[1:]])
def test_every_record_cites_a_source_with_a_url(file: str, schema: type[BaseModel]) -> None:
    unlinked = [
        line
        for line, record in curated.load_lines(curated.bundled(file), schema)
        if not (isinstance(record, schemas.Sourced) and any(s.url for s in record.sources))
    ]
    assert unlinked == [], f"{file}: records at lines {unlinked} cite no source with a URL"


def test_curated_blocs_are_sourced_and_the_g77_excludes_the_eu_and_nato() -> None:
    blocs = {b.slug: b for b in curated.load(curated.bundled("blocs.yaml"), schemas.Bloc)}
    for bloc in blocs.values():
        assert bloc.country_converter or (bloc.source and bloc.as_of and bloc.members), bloc.slug
    g77 = {m.iso3 for m in blocs["g77"].members}
    assert len(g77) == 134 and {"CHN", "PSE", "BIH", "CHL", "TJK"} <= g77
    for other in ("eu", "nato", "five-eyes"):
        assert not g77 & {m.iso3 for m in blocs[other].members}, other


def test_the_dataset_is_as_large_as_promised() -> None:
    incidents = curated.load(curated.bundled("incidents.yaml"), schemas.Incident)
    claims = curated.load(curated.bundled("claims.yaml"), schemas.Claim)
    assert len(incidents) >= 40
    assert len(claims) >= 80
    assert {i.started.year for i in incidents} >= {2007, 2017, 2024}
    positions = curated.load(curated.bundled("positions.yaml"), schemas.Position)
    assert len({p.state for p in positions}) >= 25


def test_wannacry_and_notpetya_were_attributed_by_several_governments_within_days() -> None:
    claims = curated.load(curated.bundled("claims.yaml"), schemas.Claim)
    for slug in ("wannacry", "notpetya"):
        governments = [
            c for c in claims if c.incident == slug and len(c.attributor) == 3 and c.state
        ]
        days = [c.date for c in governments]
        busiest = max(sum(0 <= (d - start).days <= 3 for d in days) for start in days)
        assert busiest >= 4, slug


def test_one_claim_per_attributor_form_and_day() -> None:
    claims = curated.load(curated.bundled("claims.yaml"), schemas.Claim)
    keys = Counter((c.incident, c.attributor, c.date, c.form, c.actor, c.state) for c in claims)
    assert [k for k, n in keys.items() if n > 1] == []


def test_gge_2015_has_the_eleven_norms_of_paragraph_13() -> None:
    instruments = curated.load(curated.bundled("instruments.yaml"), schemas.Instrument)
    gge = next(i for i in instruments if i.symbol == "A/70/174")
    assert [n.code for n in gge.norms] == [f"GGE-2015-13{c}" for c in "abcdefghijk"]


def test_incident_attack_ids_exist_and_are_current_in_attack(attack_bundle: Path) -> None:
    current = {
        ref["external_id"]
        for obj in read_bundle(attack_bundle)
        if not obj.get("revoked") and not obj.get("x_mitre_deprecated")
        for ref in obj.get("external_references", [])
        if ref.get("source_name") == "mitre-attack"
    }
    incidents = curated.load(curated.bundled("incidents.yaml"), schemas.Incident)
    unknown = {
        (i.slug, item)
        for i in incidents
        for item in [*i.techniques, *i.software]
        if item not in current
    }
    assert unknown == set()


def test_every_reference_resolves_in_the_knowledge_base(full_base: Engine) -> None:
    with transaction(full_base) as session:
        assert bundled.validate(session, []) == []


def test_a_user_file_with_a_dangling_reference_is_reported_with_file_and_field(
    full_base: Engine, tmp_path: Path
) -> None:
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "- incident: no-such-incident\n  attributor: GBR\n  date: 2020-01-01\n"
        "  form: statement\n  state: RUS\n  as_of: 2020-01-02\n"
        "  sources: [{publisher: Someone, title: Something}]\n",
        encoding="utf-8",
    )
    with transaction(full_base) as session:
        problems = bundled.validate(session, [claims])
    assert len(problems) == 1
    assert problems[0].path == str(claims) and problems[0].line == 1
    assert "incident" in str(problems[0]) and "no-such-incident" in str(problems[0])


def test_a_user_file_with_bad_fields_lists_every_problem(full_base: Engine, tmp_path: Path) -> None:
    incidents = tmp_path / "incidents.yaml"
    incidents.write_text(
        "- slug: x\n  name: X\n  started: 2020-01-01\n  summary: too short\n"
        "  type: cyberwar\n  victims: [usa]\n  as_of: 2020-01-01\n  sources: []\n",
        encoding="utf-8",
    )
    with transaction(full_base) as session:
        problems = bundled.validate(session, [incidents])
    fields = {p.field.split()[-1] for p in problems}
    assert {"summary", "type", "victims.0", "sources"} <= fields


def test_search_finds_notpetya_by_its_alias_petya(full_base: Engine) -> None:
    with transaction(full_base) as session:
        page = incident_queries.list_incidents(session, text="Petya")
        assert [i.slug for i in page.items] == ["notpetya"]
        assert incident_queries.find_incident(session, "ExPetr").slug == "notpetya"


def test_incident_detail_has_claims_responses_and_a_dated_timeline(full_base: Engine) -> None:
    with transaction(full_base) as session:
        notpetya = incident_queries.incident(session, "notpetya")
    assert {c.attributor.iso3 for c in notpetya.claims} >= {"GBR", "USA", "AUS"}
    assert notpetya.responses
    assert [e.date for e in notpetya.timeline] == sorted(e.date for e in notpetya.timeline)
    assert notpetya.timeline[0].kind == "incident"


def test_incidents_filter_by_state_actor_year_and_sector(full_base: Engine) -> None:
    with transaction(full_base) as session:
        ukraine = {i.slug for i in incident_queries.list_incidents(session, state="UKR").items}
        sandworm = {
            i.slug for i in incident_queries.list_incidents(session, actor="Voodoo Bear").items
        }
        of_2017 = incident_queries.list_incidents(session, year=2017).items
        energy = {i.slug for i in incident_queries.list_incidents(session, sector="energy").items}
    assert {"ukraine-grid-2015", "notpetya"} <= ukraine
    assert {"ukraine-grid-2016", "notpetya", "olympic-destroyer-2018"} <= sandworm
    assert of_2017 and all(i.started.year == 2017 for i in of_2017)
    assert "ukraine-grid-2015" in energy


def test_state_pages_know_incidents_suffered_and_attributions_made_and_received(
    full_base: Engine,
) -> None:
    with transaction(full_base) as session:
        gbr = incident_queries.state_incidents(session, "GBR")
        rus = incident_queries.state_incidents(session, "RUS")
    assert gbr.made and all(c.attributor.iso3 == "GBR" for c in gbr.made)
    assert any(c.incident == "notpetya" for c in rus.received)


def test_instrument_lists_its_parties_with_sources(full_base: Engine) -> None:
    with transaction(full_base) as session:
        budapest = instrument_queries.instrument(session, "budapest-convention")
    usa = [p for p in budapest.participants if p.actor.iso3 == "USA"]
    assert {p.status for p in usa} >= {"signed", "party"}
    assert all(p.source is not None and p.as_of is not None for p in budapest.participants)
    parties = [p for p in budapest.participants if p.status == "party"]
    assert len(parties) > 50
