"""Curated YAML: the bundled blocs file is valid and sourced; a bad user file is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Membership
from cyberdiplomacy.sources import countries, curated
from cyberdiplomacy.sources.schemas import Bloc

GOOD_BLOC = """\
- slug: quad
  name: Quad
  full_name: Quadrilateral Security Dialogue
  source: {publisher: Example Ministry, title: The Quad, url: "https://example.org/quad"}
  as_of: 2025-01-01
  members:
    - {iso3: AUS}
    - {iso3: IND}
    - {iso3: JPN}
    - {iso3: USA}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "blocs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_blocs_file_validates() -> None:
    records, problems = curated.check(curated.bundled("blocs.yaml"), Bloc)
    assert problems == []
    assert {"eu", "nato", "g20", "asean", "au", "sco"} <= {bloc.slug for _, bloc in records}


def test_every_curated_bloc_has_a_source_and_as_of() -> None:
    curated_blocs = [b for b in curated.blocs() if b.country_converter is None]
    assert len(curated_blocs) >= 5
    for bloc in curated_blocs:
        assert bloc.source is not None and bloc.source.publisher, bloc.slug
        assert bloc.as_of is not None, bloc.slug
        assert bloc.members, bloc.slug


def test_every_curated_member_is_a_un_state_listed_once() -> None:
    un = {state.iso3 for state in countries.un_states()}
    for bloc in curated.blocs():
        codes = [m.iso3 for m in bloc.members]
        assert set(codes) <= un, (bloc.slug, set(codes) - un)
        assert len(codes) == len(set(codes)), bloc.slug


def test_curated_join_dates_are_not_after_as_of() -> None:
    for bloc in curated.blocs():
        for member in bloc.members:
            if member.since and bloc.as_of:
                assert member.since <= bloc.as_of, (bloc.slug, member.iso3)
            if member.since and member.until:
                assert member.since < member.until, (bloc.slug, member.iso3)


def test_a_valid_user_file_loads(tmp_path: Path) -> None:
    [quad] = curated.blocs(write(tmp_path, GOOD_BLOC))
    assert quad.slug == "quad"
    assert [m.iso3 for m in quad.members] == ["AUS", "IND", "JPN", "USA"]


def test_bad_member_code_names_the_file_the_record_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_BLOC.replace("{iso3: IND}", "{iso3: india}"))
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert failure.value.source == str(path)
    assert "members.1.iso3" in str(failure.value)
    assert failure.value.line == 1
    assert str(failure.value).startswith(f"{path}, line 1: ")


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_BLOC.replace("  as_of:", "  founded: 2007\n  as_of:"))
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "founded" in failure.value.reason


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_BLOC.replace("  full_name: Quadrilateral Security Dialogue\n", ""))
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "full_name" in failure.value.reason


@pytest.mark.parametrize("removed", ["source", "as_of"])
def test_curated_bloc_without_source_or_as_of_is_rejected(tmp_path: Path, removed: str) -> None:
    lines = [line for line in GOOD_BLOC.splitlines() if not line.startswith(f"  {removed}:")]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "source and as_of" in failure.value.reason
    assert failure.value.source == str(path)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_BLOC + "- slug: [unclosed\n  name: x\n")
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "not valid YAML" in failure.value.reason
    assert failure.value.line is not None and failure.value.line >= 12


def test_a_mapping_instead_of_a_list_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "slug: quad\nname: Quad\n")
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "list" in failure.value.reason


def test_missing_user_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ImportFailed) as failure:
        curated.blocs(path)
    assert "cannot read" in failure.value.reason
    assert failure.value.source == str(path)


def test_member_that_is_not_a_un_state_fails_the_whole_bloc_import(
    engine: Engine, tmp_path: Path
) -> None:
    with transaction(engine) as session:
        countries.import_states(session)
    path = write(tmp_path, GOOD_BLOC + GOOD_BLOC.replace("quad", "twain").replace("USA", "ATA"))

    with pytest.raises(ImportFailed) as failure, transaction(engine) as session:
        countries.import_blocs(session, path)
    assert "ATA" in failure.value.reason

    assert failure.value.source == str(path)
    assert failure.value.ref == "twain"
    with transaction(engine) as session:
        blocs = session.scalar(
            select(func.count()).select_from(Actor).where(Actor.kind == ActorKind.ORGANIZATION)
        )
        memberships = session.scalar(select(func.count()).select_from(Membership))
    assert (blocs, memberships) == (0, 0)
