"""The bundled sources and the ATT&CK bundle, imported on SQLite and on PostgreSQL.

Facts are read back through the query functions, so these also check that the queries give the
same answers on both backends.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pycountry
from kb_snapshots import ImportedBase, differences
from sqlalchemy import func, select

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    Alias,
    AttackObject,
    AttackRelationship,
    ImportRun,
    Instrument,
    Membership,
    Participation,
    VocabularyTerm,
    alias_key,
)
from cyberdiplomacy.sources.misp import BUDAPEST

# States -----------------------------------------------------------------------------------


def test_states_are_the_193_un_members_and_the_2_observers(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        states = session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE)).all()
    by_status = Counter(s.un_status for s in states)
    assert by_status == {"member": 193, "observer": 2}
    assert {s.iso3 for s in states if s.un_status == "observer"} == {"VAT", "PSE"}
    assert len({s.iso3 for s in states}) == 195


def test_every_state_has_matching_iso3_and_iso2_codes(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        states = session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE)).all()
    for state in states:
        assert state.iso3 is not None and state.iso2 is not None, state.slug
        iso = pycountry.countries.get(alpha_3=state.iso3)
        assert iso is not None, state.iso3
        assert state.iso2 == iso.alpha_2
        assert state.slug == state.iso3.lower()


def test_every_state_carries_its_source_and_as_of(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        unsourced = session.scalars(
            select(Actor.iso3).where(
                Actor.kind == ActorKind.STATE,
                (Actor.source_id.is_(None)) | (Actor.as_of.is_(None)),
            )
        ).all()
    assert unsourced == []


# Blocs ------------------------------------------------------------------------------------


def test_nato_has_32_members_with_finland_and_sweden_join_dates(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        nato = queries.bloc(session, "nato")
    assert len(nato.members) == 32
    assert nato.since["FIN"] == date(2023, 4, 4)
    assert nato.since["SWE"] == date(2024, 3, 7)
    assert nato.since["USA"] == date(1949, 8, 24)
    assert nato.source is not None and nato.source.publisher == "NATO"
    assert nato.as_of is not None


def test_eu_has_27_members_and_g20_19_states(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        eu, g20 = queries.bloc(session, "eu"), queries.bloc(session, "g20")
    assert len(eu.members) == 27
    assert "GBR" not in {m.iso3 for m in eu.members}
    assert len(g20.members) == 19
    assert {"USA", "CHN", "RUS", "ZAF"} <= {m.iso3 for m in g20.members}


def test_every_membership_has_a_source_and_as_of(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        total = session.scalar(select(func.count()).select_from(Membership))
        unsourced = session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.source_id.is_(None) | Membership.as_of.is_(None))
        )
    assert total and total > 300
    assert unsourced == 0


def test_bloc_members_are_states(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        kinds = session.scalars(
            select(Actor.kind).join(Membership, Membership.member_id == Actor.id).distinct()
        ).all()
    assert kinds == [ActorKind.STATE]


# Threat actors ----------------------------------------------------------------------------


def test_fancy_bear_sofacy_and_g0007_are_one_actor(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        ids = {queries.find_actor(session, key).id for key in ("APT28", "Fancy Bear", "Sofacy")}
        ids |= {queries.find_actor(session, key).id for key in ("G0007", "fancy-bear", "SOFACY")}
        profile = queries.actor(session, "Fancy Bear")
        owners = session.scalars(
            select(Alias.actor_id).where(Alias.key == alias_key("Fancy Bear")).distinct()
        ).all()
    assert len(ids) == 1
    assert profile.name == "APT28"
    assert profile.attack_id == "G0007"
    assert {"Fancy Bear", "Sofacy"} <= set(profile.aliases)
    assert owners == list(ids), "another actor also goes by Fancy Bear"


def test_apt28_is_suspected_to_be_sponsored_by_russia(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        profile = queries.actor(session, "G0007")
        russian = queries.list_actors(session, sponsor="RUS", limit=500)
    assert profile.sponsor is not None and profile.sponsor.iso3 == "RUS"
    assert profile.source is not None and profile.source.publisher == "MISP Project"
    assert "apt28" in {a.slug for a in russian.items}


def test_every_threat_actor_has_a_source_and_as_of(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        unsourced = session.scalars(
            select(Actor.slug).where(
                Actor.kind == ActorKind.THREAT_GROUP,
                Actor.source_id.is_(None) | Actor.as_of.is_(None),
            )
        ).all()
    assert unsourced == []


# Budapest Convention and vocabularies -----------------------------------------------------


def test_budapest_convention_participations_have_source_and_as_of(
    imported: ImportedBase,
) -> None:
    with transaction(imported.engine) as session:
        rows = session.scalars(
            select(Participation).join(Instrument).where(Instrument.slug == BUDAPEST)
        ).all()
        estonia = queries.state(session, "EST")
    assert len(rows) > 60
    assert {"party", "observer"} <= {p.status for p in rows}
    assert all(p.source_id is not None and p.as_of is not None for p in rows)
    [budapest] = [i for i in estonia.instruments if i.instrument == BUDAPEST]
    assert budapest.status == "party"
    assert budapest.source is not None and budapest.as_of is not None


def test_vocabularies_are_imported_as_misp_machine_tags(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        namespaces = set(session.scalars(select(VocabularyTerm.namespace).distinct()))
        tlp = set(
            session.scalars(
                select(VocabularyTerm.machinetag).where(VocabularyTerm.namespace == "tlp")
            )
        )
        tag = session.scalar(
            select(VocabularyTerm.machinetag).where(
                VocabularyTerm.namespace == "estimative-language",
                VocabularyTerm.value == "very-likely",
            )
        )
    assert {"tlp", "estimative-language", "admiralty-scale", "state-responsibility"} <= namespaces
    assert {"tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict", "tlp:red"} <= tlp
    assert tag == 'estimative-language:likelihood-probability="very-likely"'


# ATT&CK -----------------------------------------------------------------------------------


def test_attack_import_keeps_every_object_of_the_18_1_bundle(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        counts = dict(
            session.execute(
                select(AttackObject.type, func.count())
                .where(AttackObject.domain == "enterprise-attack")
                .group_by(AttackObject.type)
            ).all()
        )
    assert counts["attack-pattern"] == 835
    assert counts["intrusion-set"] == 187
    assert counts["malware"] == 696
    assert counts["tool"] == 91


def test_subtechniques_are_linked_to_their_parent(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        child = queries.technique(session, "T1566.001")
        parent = queries.technique(session, "T1566")
        links = session.scalar(
            select(func.count())
            .select_from(AttackRelationship)
            .where(AttackRelationship.type == "subtechnique-of")
        )
    assert child.is_subtechnique and child.parent is not None
    assert child.parent.attack_id == "T1566"
    assert "T1566.001" in {t.attack_id for t in parent.subtechniques}
    assert links and links > 400


def test_revoked_techniques_are_kept_with_their_successor(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        revoked = session.scalar(
            select(func.count())
            .select_from(AttackObject)
            .where(AttackObject.type == "attack-pattern", AttackObject.revoked.is_(True))
        )
        revoked_by = session.scalar(
            select(func.count())
            .select_from(AttackRelationship)
            .where(AttackRelationship.type == "revoked-by")
        )
        old = queries.technique(session, "T1066")
        listed = queries.list_techniques(session, text="T1066")
    assert revoked and revoked > 100
    assert revoked_by and revoked_by >= revoked
    assert old.revoked_by == "T1027.005"
    assert listed.total == 0


def test_attack_group_g0007_is_linked_to_the_apt28_actor(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        group = session.scalar(
            select(AttackObject).where(
                AttackObject.type == "intrusion-set", AttackObject.attack_id == "G0007"
            )
        )
        apt28 = queries.find_actor(session, "Sofacy")
        profile = queries.actor(session, "Fancy Bear")
    assert group is not None and group.actor_id == apt28.id
    assert "T1566.001" in {t.attack_id for ts in profile.techniques_by_tactic.values() for t in ts}
    assert "S0023" in {s.attack_id for s in profile.software}  # CHOPSTICK


def test_every_current_attack_group_is_linked_to_an_actor(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        unlinked = session.scalars(
            select(AttackObject.attack_id).where(
                AttackObject.type == "intrusion-set",
                AttackObject.revoked.is_(False),
                AttackObject.deprecated.is_(False),
                AttackObject.actor_id.is_(None),
            )
        ).all()
        mismatched = session.execute(
            select(AttackObject.attack_id, Actor.attack_id)
            .join(Actor, AttackObject.actor_id == Actor.id)
            .where(AttackObject.attack_id != Actor.attack_id)
        ).all()
    assert unlinked == []
    assert mismatched == []


# Idempotence ------------------------------------------------------------------------------


def test_attack_import_is_idempotent(imported: ImportedBase) -> None:
    first, second = imported.snapshots["attack"], imported.snapshots["attack again"]
    assert differences(first, second) == {}
    assert len(first["attack_relationship"]) > 16000


def test_bundled_import_is_idempotent_and_keeps_what_attack_added(
    imported: ImportedBase,
) -> None:
    """`import bundled` after `import attack` changes nothing: same rows, same actor ids."""
    before, after = imported.snapshots["attack again"], imported.snapshots["bundled again"]
    assert differences(before, after) == {}
    assert len(after["actor"]) > 195 + 10 + 500


def test_groups_linked_by_name_keep_their_attack_id_after_a_refresh(
    imported: ImportedBase,
) -> None:
    """UNC3886 is in the MISP galaxy without an ATT&CK id; ATT&CK 18.1 gives it G1048."""
    with transaction(imported.engine) as session:
        by_id = queries.actor(session, "G1048")
        by_name = queries.find_actor(session, "UNC3886")
    assert by_id.slug == by_name.slug
    assert by_id.techniques_by_tactic


def test_every_import_is_recorded_once_in_the_import_log(imported: ImportedBase) -> None:
    with transaction(imported.engine) as session:
        runs = Counter(session.scalars(select(ImportRun.importer)))
        last = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert runs == {"bundled": 2, "attack:enterprise-attack": 2}
    assert last is not None and last.importer == "bundled" and last.counts["states"] == 195
