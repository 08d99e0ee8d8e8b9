"""`import unga`: the shared Voeten data, slices of it on SQLite and PostgreSQL, the UN Digital
Library layout, historical members, idempotency and all-or-nothing failures."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from unga_tables import shared_unga, write_slice

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.knowledge.access import SYSTEM
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import ImportRun, RollCall, Vote, Voter
from cyberdiplomacy.sources import countries, unga

UNDL_HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,"
    "title,agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,"
    "total_ms,undl_link"
)


def undl_row(undl_id: str, code: str, name: str, vote: str, symbol: str, day: str) -> str:
    session = symbol.split("/")[2]
    return (
        f'{undl_id},{code},{name},{vote},{day},{session},{symbol},,,,"A title, with a comma",'
        f"An agenda item,SUBJECT,,1,1,1,1,4,https://digitallibrary.un.org/record/{undl_id}"
    )


def snapshot(engine: Engine) -> tuple[int, int, str]:
    """Roll calls, voters, and a digest of who voted how on what."""
    with transaction(engine, SYSTEM) as session:
        table = votes.vote_table(session)
    digest = hashlib.sha256(table.votes.tobytes())
    digest.update("|".join(table.codes + table.keys).encode())
    return len(table), len(table.codes), digest.hexdigest()


@pytest.fixture
def states(engine: Engine) -> Engine:
    """An empty base with the UN member states, as `init` would leave it for the importer."""
    with transaction(engine, SYSTEM) as session:
        countries.import_states(session)
    return engine


def test_the_shared_data_is_imported_whole(unga_base: Engine) -> None:
    with transaction(unga_base, SYSTEM) as session:
        assert session.scalar(select(func.count()).select_from(RollCall)) == 6112
        assert session.scalar(select(func.count()).select_from(Vote)) == 853_763
        voters = {v.code: v for v in session.scalars(select(Voter))}
        run = session.scalars(select(ImportRun).where(ImportRun.importer == "unga")).one()
    assert len(voters) == 200 and run.counts["votes"] == 853_763
    historical = {code for code, v in voters.items() if v.actor_id is None}
    assert historical == {"CSK", "DDR", "SUN", "TWN", "YMD", "YUG", "ZAN"}
    assert voters["SUN"].name == "Soviet Union" and voters["RUS"].actor_id is not None


def test_the_ussr_yugoslavia_and_the_two_germanies_vote_as_they_were_seated(
    unga_table: tuple[votes.VoteTable, dict[str, list[votes.Tenure]]],
) -> None:
    table = unga_table[0]

    def span(code: str) -> tuple[dt.date, dt.date]:
        days = table.dates[table.votes[:, table.column(code)] > 0]
        return days.min().astype(dt.date), days.max().astype(dt.date)

    assert span("SUN")[1] < dt.date(1991, 12, 24) <= span("RUS")[0]
    assert span("YUG")[1] < dt.date(2000, 11, 1) <= span("SRB")[0]
    assert span("DEU")[0].year == 1973  # the Federal Republic's seat, Germany's since 1990
    assert span("DDR") == (dt.date(1973, 10, 1), dt.date(1989, 12, 6))
    assert span("YEM")[0].year == 1947 and span("YMD")[0].year == 1967


def test_importing_the_shared_data_again_changes_nothing(unga_base: Engine) -> None:
    before = snapshot(unga_base)
    with transaction(unga_base, SYSTEM) as session:
        result = unga.import_votes(session, shared_unga())
    assert (result.roll_calls, result.votes, result.skipped_roll_calls) == (6112, 853_763, 0)
    assert snapshot(unga_base) == before


def test_a_slice_imports_idempotently_on_each_backend(states: Engine, tmp_path: Path) -> None:
    folder = write_slice(tmp_path / "slice", {72, 73})
    with transaction(states, SYSTEM) as session:
        first = unga.import_votes(session, folder)
    before = snapshot(states)
    with transaction(states, SYSTEM) as session:
        again = unga.import_votes(session, folder)
        stored = session.scalar(select(func.count()).select_from(Vote))
        table = votes.vote_table(session)
    assert first == again and (first.roll_calls, first.historical_members) == (219, 0)
    assert stored == first.votes and snapshot(states) == before
    assert table.find("R/73/27") >= 0 and {i for found in table.issues for i in found} == set(
        votes.ISSUES
    )


def test_the_un_digital_library_layout(states: Engine, tmp_path: Path) -> None:
    (tmp_path / "undl").mkdir()
    rows = [
        undl_row("1", "USA", "UNITED STATES", "N", "A/RES/74/29", "2019-12-12"),
        undl_row("1", "RUS", "RUSSIAN FEDERATION", "Y", "A/RES/74/29", "2019-12-12"),
        undl_row("1", "BRA", "BRAZIL", "A", "A/RES/74/29", "2019-12-12"),
        undl_row("1", "BEN", "BENIN", "X", "A/RES/74/29", "2019-12-12"),
        undl_row("2", "USA", "UNITED STATES", "Y", "A/RES/74/28", "2019-12-12"),
    ]
    with gzip.open(tmp_path / "undl" / "ga_voting.csv.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join([UNDL_HEADER, *rows]) + "\n")
    with transaction(states, SYSTEM) as session:
        result = unga.import_votes(session, tmp_path / "undl")
        table = votes.vote_table(session)
        call = session.scalars(select(RollCall).where(RollCall.key == "undl:1")).one()
    assert (result.roll_calls, result.votes) == (2, 5)
    assert (call.session, call.title, call.url) == (
        74,
        "A title, with a comma",
        "https://digitallibrary.un.org/record/1",
    )
    row = table.find("A/RES/74/29")
    cast = {
        code: int(table.votes[row, table.column(code)]) for code in ("USA", "RUS", "BRA", "BEN")
    }
    assert cast == {"USA": votes.NO, "RUS": votes.YES, "BRA": votes.ABSTAIN, "BEN": votes.NONE}


def test_a_resolution_already_recorded_from_the_other_layout_is_skipped(
    states: Engine, tmp_path: Path
) -> None:
    write_slice(tmp_path / "both", {73})
    with gzip.open(tmp_path / "both" / "undl.csv.gz", "wt", encoding="utf-8") as out:
        out.write(UNDL_HEADER + "\n")
        out.write(undl_row("9", "USA", "UNITED STATES", "N", "A/RES/73/27", "2018-12-05") + "\n")
        out.write(undl_row("10", "USA", "UNITED STATES", "Y", "A/RES/74/28", "2019-12-12") + "\n")
    with transaction(states, SYSTEM) as session:
        result = unga.import_votes(session, tmp_path / "both")
    assert result.skipped_roll_calls == 1 and result.roll_calls == 95 + 1


@pytest.mark.parametrize(
    ("line", "fragment", "at"),
    [
        ("3,United States,US,maybe", "unknown vote 'maybe'", 2),
        ("999999,United States,US,yes", "roll call 999999 is not in roll_calls.csv", 2),
        ("3,Atlantis,QQ,yes", "unknown member 'QQ' (Atlantis)", 2),
    ],
)
def test_a_bad_vote_fails_the_import_with_file_and_line(
    states: Engine, tmp_path: Path, line: str, fragment: str, at: int
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "roll_calls.csv").write_text(
        "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
        '3,1.0,0,1946-01-01,R/1/66,1,0,"AMENDMENTS","TO ADOPT"\n'
    )
    (folder / "votes.csv").write_text(f"rcid,country,country_code,vote\n{line}\n")
    with pytest.raises(ImportFailed) as failed, transaction(states, SYSTEM) as session:
        unga.import_votes(session, folder)
    assert fragment in str(failed.value) and failed.value.line == at
    assert str(failed.value).startswith(str(folder / "votes.csv"))
    with transaction(states, SYSTEM) as session:
        assert session.scalar(select(func.count()).select_from(RollCall)) == 0


def test_a_file_without_the_needed_columns_is_refused(states: Engine, tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text("rcid,country\n3,Cuba\n")
    (tmp_path / "roll_calls.csv").write_text("rcid,session,date,unres,short,descr\n")
    missing = pytest.raises(ImportFailed, match="missing column country_code, vote")
    with missing, transaction(states, SYSTEM) as session:
        unga.import_votes(session, tmp_path)


def test_a_folder_without_voting_data_is_refused(states: Engine, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ImportFailed, match="found neither"), transaction(states, SYSTEM) as session:
        unga.import_votes(session, tmp_path)
