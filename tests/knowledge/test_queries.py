"""The query functions, on the shared SQLite base with the bundled sources and ATT&CK 18.1.

`test_bundled_import.py` reads the same facts on PostgreSQL; `test_query_inputs.py` feeds odd
inputs to both backends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import alias_key


@pytest.fixture
def session(full_base: Engine) -> Iterator[Session]:
    """A read session on the shared base."""
    with transaction(full_base) as session:
        yield session


# Lists, filters and pages -----------------------------------------------------------------


def test_states_are_listed_by_name_in_pages_that_cover_them_all(session: Session) -> None:
    pages = [queries.list_states(session, limit=50, offset=o) for o in range(0, 200, 50)]
    names = [s.name for page in pages for s in page.items]
    assert {page.total for page in pages} == {195}
    assert [len(page.items) for page in pages] == [50, 50, 50, 45]
    assert len(set(names)) == 195
    assert names == sorted(names)


def test_offset_past_the_end_gives_an_empty_page_with_the_total(session: Session) -> None:
    page = queries.list_states(session, offset=10_000)
    assert (page.items, page.total, page.offset) == ([], 195, 10_000)


def test_states_filtered_by_bloc_status_and_name(session: Session) -> None:
    nato = queries.list_states(session, bloc="nato", limit=100)
    observers = queries.list_states(session, un_status="observer")
    estonia = queries.list_states(session, text="eston")
    holy_see = queries.list_states(session, text="Holy See")
    assert nato.total == 32 and "EST" in {s.iso3 for s in nato.items}
    assert {s.iso3 for s in observers.items} == {"VAT", "PSE"}
    assert [s.iso3 for s in estonia.items] == ["EST"]
    assert [s.iso3 for s in holy_see.items] == ["VAT"]


def test_filtering_by_an_unknown_bloc_is_an_invalid_query(session: Session) -> None:
    with pytest.raises(InvalidQuery) as failure:
        queries.list_states(session, bloc="warsaw-pact")
    assert failure.value.parameter == "bloc"
    assert "warsaw-pact" in failure.value.reason


@pytest.mark.parametrize(
    ("limit", "offset", "parameter"),
    [(0, 0, "limit"), (-5, 0, "limit"), (queries.MAX_LIMIT + 1, 0, "limit"), (10, -1, "offset")],
)
def test_bad_page_parameters_are_invalid(
    session: Session, limit: int, offset: int, parameter: str
) -> None:
    for listing in (queries.list_states, queries.list_actors, queries.list_techniques):
        with pytest.raises(InvalidQuery) as failure:
            listing(session, limit=limit, offset=offset)
        assert failure.value.parameter == parameter
    with pytest.raises(InvalidQuery):
        queries.list_software(session, limit=limit, offset=offset)


def test_bad_filters_are_invalid_and_name_the_options(session: Session) -> None:
    with pytest.raises(InvalidQuery, match="threat_group"):
        queries.list_actors(session, kind="hacker")
    with pytest.raises(InvalidQuery, match="initial-access"):
        queries.list_techniques(session, tactic="Impact!")
    with pytest.raises(InvalidQuery, match="malware"):
        queries.list_software(session, type="virus")
    with pytest.raises(InvalidQuery, match="member"):
        queries.list_states(session, un_status="candidate")


def test_actors_by_sponsor_kind_and_name(session: Session) -> None:
    russian = queries.list_actors(session, sponsor="RUS", limit=500)
    blocs = queries.list_actors(session, kind="organization", limit=500)
    named = queries.list_actors(session, text="voodoo bear")
    assert {"apt28", "sandworm-team"} <= {a.slug for a in russian.items}
    assert {a.sponsor_iso3 for a in russian.items} == {"RUS"}
    assert {"nato", "eu"} <= {b.slug for b in blocs.items}
    assert [a.slug for a in named.items] == ["sandworm-team"]


def test_filtering_by_an_unknown_sponsor_is_an_invalid_query(session: Session) -> None:
    with pytest.raises(InvalidQuery) as failure:
        queries.list_actors(session, sponsor="XXX")
    assert failure.value.parameter == "sponsor"


def test_techniques_by_tactic_without_subtechniques(session: Session) -> None:
    impact = queries.list_techniques(session, tactic="impact", subtechniques=False, limit=500)
    assert impact.total == len(impact.items) > 10
    assert all("impact" in t.tactics and not t.is_subtechnique for t in impact.items)
    ids = [t.attack_id for t in impact.items]
    assert ids == sorted(ids) and "T1485" in ids


def test_current_techniques_and_software_are_counted(session: Session) -> None:
    assert queries.list_techniques(session).total == 691
    tools = queries.list_software(session, type="tool", limit=500)
    assert tools.total == 91 and {s.type for s in tools.items} == {"tool"}
    phishing = queries.list_techniques(session, text="phishing", limit=500)
    assert "T1566" in {t.attack_id for t in phishing.items}


def test_blocs_list_their_member_counts(session: Session) -> None:
    counts = {b.slug: b.members for b in queries.list_blocs(session)}
    assert (counts["nato"], counts["eu"], counts["g20"]) == (32, 27, 19)


# Profiles ---------------------------------------------------------------------------------


def test_estonia_has_been_in_nato_since_2004_03_29(session: Session) -> None:
    estonia = queries.state(session, "EST")
    blocs = {b.bloc: b for b in estonia.blocs}
    assert blocs["nato"].since == date(2004, 3, 29)
    assert "eu" in blocs
    assert (estonia.iso2, estonia.un_status, estonia.un_member_since) == ("EE", "member", 1991)
    assert estonia.source is not None and estonia.as_of is not None


def test_state_accepts_alpha_2_and_any_case(session: Session) -> None:
    assert queries.state(session, "ee").iso3 == "EST"
    assert queries.state(session, " est ").iso3 == "EST"


def test_russia_profile_lists_the_groups_it_is_suspected_to_sponsor(session: Session) -> None:
    russia = queries.state(session, "RUS")
    assert {"apt28", "sandworm-team"} <= {g.slug for g in russia.sponsored_groups}


def test_unknown_state_is_not_found_with_a_clear_message(session: Session) -> None:
    with pytest.raises(NotFound) as failure:
        queries.state(session, "xyz")
    assert (failure.value.kind, failure.value.key, failure.value.status) == ("state", "XYZ", 404)
    assert str(failure.value) == "No state 'XYZ' in the knowledge base."


def test_nato_profile_has_join_dates_and_its_source(session: Session) -> None:
    nato = queries.bloc(session, " NATO ")
    assert nato.since["EST"] == date(2004, 3, 29)
    assert nato.source is not None and nato.source.url is not None


def test_actor_is_found_by_slug_attack_id_name_and_alias(session: Session) -> None:
    keys = ["apt28", "G0007", "g0007", "APT28", "Fancy Bear", "fancy bear", "FANCY-BEAR", "Sofacy"]
    assert {queries.find_actor(session, key).slug for key in keys} == {"apt28"}


def test_actor_profile_groups_techniques_by_tactic_in_kill_chain_order(session: Session) -> None:
    profile = queries.actor(session, "Sandworm Team")
    tactics = list(profile.techniques_by_tactic)
    assert profile.attack_id == "G0034"
    assert "voodoobear" in {alias_key(a) for a in profile.aliases}
    assert tactics == sorted(tactics, key=queries.TACTIC_ORDER.index)
    assert profile.software and profile.tags


def test_unknown_actor_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="No actor 'Cozy Panda'"):
        queries.actor(session, "Cozy Panda")


def test_phishing_has_sub_techniques_and_groups(session: Session) -> None:
    phishing = queries.technique(session, "T1566")
    subs = [t.attack_id for t in phishing.subtechniques]
    assert subs[:3] == ["T1566.001", "T1566.002", "T1566.003"]
    assert phishing.groups and phishing.parent is None
    assert phishing.tactics == ["initial-access"]
    assert phishing.url == "https://attack.mitre.org/techniques/T1566"


def test_software_lists_its_groups_and_techniques(session: Session) -> None:
    mimikatz = queries.software(session, "S0002")
    assert (mimikatz.name, mimikatz.type) == ("Mimikatz", "tool")
    assert len(mimikatz.groups) > 20 and mimikatz.techniques


@pytest.mark.parametrize(
    ("lookup", "key"),
    [
        (queries.technique, "T9999"),
        (queries.technique, "S0002"),  # software is not a technique
        (queries.software, "T1566"),
        (queries.software, "S9999"),
    ],
)
def test_unknown_attack_ids_are_not_found(session: Session, lookup: object, key: str) -> None:
    with pytest.raises(NotFound):
        lookup(session, key)  # type: ignore[operator]


# Search and cross-checks ------------------------------------------------------------------


def test_search_finds_sandworm_team_by_voodoo_bear(session: Session) -> None:
    hits = queries.search(session, "Voodoo Bear")
    assert hits[0].kind == "threat_group"
    assert (hits[0].key, hits[0].name) == ("sandworm-team", "Sandworm Team")
    assert hits[0].matched.casefold() == "voodoo bear"


def test_search_finds_states_techniques_and_software(session: Session) -> None:
    assert ("state", "EST") in {(h.kind, h.key) for h in queries.search(session, "Estonia")}
    assert ("technique", "T1566") in {(h.kind, h.key) for h in queries.search(session, "T1566")}
    assert ("software", "S0002") in {(h.kind, h.key) for h in queries.search(session, "mimikatz")}


def test_search_limits_the_hits_of_each_kind(session: Session) -> None:
    kinds = Counter(hit.kind for hit in queries.search(session, "an", limit=5))
    assert max(kinds.values()) == 5
    assert all(kinds[kind] == 5 for kind in ("state", "threat_group", "technique", "software"))


@pytest.mark.parametrize("text", ["", " ", "a", "!!", "-"])
def test_search_needs_two_letters_or_digits(session: Session, text: str) -> None:
    with pytest.raises(InvalidQuery):
        queries.search(session, text)


def test_group_usage_and_technique_users_agree(session: Session) -> None:
    usage = queries.group_usage(session)
    users = queries.technique_users(session)
    from_groups = {(g, t) for g, used in usage.items() for t in used["techniques"]}
    from_techniques = {(g, t) for t, groups in users.items() for g in groups}
    assert from_groups == from_techniques
    assert len(from_groups) > 3000
    assert "S0023" in usage["G0007"]["software"]


def test_group_usage_matches_the_actor_profile(session: Session) -> None:
    usage = queries.group_usage(session)["G0007"]
    profile = queries.actor(session, "G0007")
    techniques = {t.attack_id for ts in profile.techniques_by_tactic.values() for t in ts}
    assert techniques == set(usage["techniques"])
    assert {s.attack_id for s in profile.software} == set(usage["software"])


def test_technique_users_match_the_technique_detail(session: Session) -> None:
    users = queries.technique_users(session)
    for attack_id in ("T1566.001", "T1059.001", "T1486"):
        detail = queries.technique(session, attack_id)
        assert {g.attack_id for g in detail.groups} == set(users[attack_id]), attack_id


def test_overview_counts_what_the_base_holds(session: Session) -> None:
    overview = queries.overview(session)
    assert (overview.states, overview.techniques, overview.software) == (195, 691, 784)
    assert overview.blocs >= 14 and overview.threat_groups > 500
    assert overview.top_sponsors[0][0] == "CHN"
