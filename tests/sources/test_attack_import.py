"""ATT&CK bundles: edge cases and errors, with small hand-built bundles written to `tmp_path`.

The importer must be transactional (a failure leaves the base as it was) and its errors must
name the file and the line or STIX id at fault. The real 18.1 bundle is covered in
`test_bundled_import.py`.
"""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from kb_snapshots import differences, snapshot
from sqlalchemy import Engine, func, select

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import AttackObject, AttackRelationship, ImportRun
from cyberdiplomacy.sources import attack, bundled

Stix = dict[str, Any]
NAMESPACE = uuid.UUID("6f0b5b4e-0000-4000-8000-000000000000")


def stix_id(kind: str, key: str) -> str:
    """A stable STIX id for a test object."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def attack_object(kind: str, attack_id: str, name: str, **extra: Any) -> Stix:
    """An ATT&CK object of `kind` with its ATT&CK id in the external references."""
    return {
        "type": kind,
        "id": stix_id(kind, attack_id),
        "spec_version": "2.1",
        "name": name,
        "modified": "2025-01-01T00:00:00.000Z",
        "x_mitre_domains": [extra.pop("domain", "enterprise-attack")],
        "external_references": [
            {
                "source_name": "mitre-attack",
                "external_id": attack_id,
                "url": f"https://attack.mitre.org/{attack_id}",
            }
        ],
        **extra,
    }


def technique(attack_id: str, name: str, tactic: str = "impact", **extra: Any) -> Stix:
    phases = [{"kill_chain_name": "mitre-attack", "phase_name": tactic}]
    return attack_object("attack-pattern", attack_id, name, kill_chain_phases=phases, **extra)


def relationship(kind: str, source: Stix, target: Stix | str, **extra: Any) -> Stix:
    target_ref = target if isinstance(target, str) else target["id"]
    return {
        "type": "relationship",
        "id": stix_id("relationship", f"{source['id']} {kind} {target_ref}"),
        "relationship_type": kind,
        "source_ref": source["id"],
        "target_ref": target_ref,
        **extra,
    }


PARENT = technique("T9001", "Parent Technique")
CHILD = technique("T9001.001", "Child Technique", x_mitre_is_subtechnique=True)
OLD = technique("T9002", "Old Technique", revoked=True)
RETIRED = technique("T9003", "Retired Technique", x_mitre_deprecated=True)
MALWARE = attack_object("malware", "S9001", "Test Malware", x_mitre_aliases=["TestMal"])
TOOL = attack_object("tool", "S9002", "Test Tool")
GROUP = attack_object("intrusion-set", "G9001", "Test Group", aliases=["Test Group", "Dummy Bear"])
MITIGATION = attack_object("course-of-action", "M9001", "Test Mitigation")


def objects() -> list[Stix]:
    """A small enterprise bundle: a technique family, a revocation, software, a group."""
    return [
        PARENT,
        CHILD,
        OLD,
        RETIRED,
        MALWARE,
        TOOL,
        GROUP,
        MITIGATION,
        relationship("subtechnique-of", CHILD, PARENT),
        relationship("revoked-by", OLD, CHILD),
        relationship("uses", GROUP, CHILD),
        relationship("uses", GROUP, MALWARE),
        relationship("uses", MALWARE, PARENT),
        relationship("uses", GROUP, PARENT, revoked=True),  # withdrawn: left out
        relationship("uses", GROUP, stix_id("attack-pattern", "T9999")),  # dangling: left out
        relationship("mitigates", MITIGATION, PARENT),  # mitigations are not kept
    ]


def write_bundle(path: Path, content: list[Stix] | Stix | str) -> Path:
    """Write a bundle (or any JSON, or raw text) to `path`, gzipped when it ends in .gz."""
    if isinstance(content, str):
        data = content.encode()
    else:
        bundle = content if isinstance(content, dict) else {"type": "bundle", "objects": content}
        data = json.dumps(bundle, indent=1).encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def import_file(engine: Engine, path: Path) -> attack.AttackImport:
    with transaction(engine) as session:
        return bundled.import_attack(session, path)


def import_runs(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(ImportRun)) or 0


# What an import keeps ---------------------------------------------------------------------


def test_small_bundle_import_reports_what_it_kept(engine: Engine, tmp_path: Path) -> None:
    result = import_file(engine, write_bundle(tmp_path / "small.json", objects()))
    assert result.domain == "enterprise-attack"
    assert result.objects == {"attack-pattern": 4, "malware": 1, "tool": 1, "intrusion-set": 1}
    assert result.relationships == 5
    assert (result.linked_groups, result.new_actors) == (1, 1)
    with transaction(engine) as session:
        kinds = set(session.scalars(select(AttackRelationship.type)))
    assert kinds == {"subtechnique-of", "revoked-by", "uses"}


def test_revoked_technique_is_not_listed_but_reports_its_successor(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write_bundle(tmp_path / "small.json", objects()))
    with transaction(engine) as session:
        listed = queries.list_techniques(session)
        old = queries.technique(session, "T9002")
        current = queries.technique(session, "T9001.001")
    assert [t.attack_id for t in listed.items] == ["T9001", "T9001.001"]
    assert old.revoked_by == "T9001.001"
    assert current.revoked_by is None


def test_subtechnique_and_parent_know_each_other(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_bundle(tmp_path / "small.json", objects()))
    with transaction(engine) as session:
        parent = queries.technique(session, "T9001")
        child = queries.technique(session, "t9001.001")
    assert [t.attack_id for t in parent.subtechniques] == ["T9001.001"]
    assert child.parent is not None and child.parent.attack_id == "T9001"
    assert child.is_subtechnique and not parent.is_subtechnique


def test_group_without_a_known_actor_becomes_a_new_actor_with_its_aliases(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write_bundle(tmp_path / "small.json", objects()))
    with transaction(engine) as session:
        actor = queries.actor(session, "Dummy Bear")
        same = queries.find_actor(session, "G9001")
        software = queries.software(session, "S9001")
    assert (actor.slug, actor.attack_id, actor.aliases) == ("test-group", "G9001", ["Dummy Bear"])
    assert same.slug == "test-group"
    assert actor.source is not None and actor.source.publisher == "MITRE"
    assert [t.attack_id for ts in actor.techniques_by_tactic.values() for t in ts] == ["T9001.001"]
    assert [s.attack_id for s in actor.software] == ["S9001"]
    assert [g.slug for g in software.groups] == ["test-group"]
    assert [t.attack_id for t in software.techniques] == ["T9001"]


def test_withdrawn_and_dangling_relationships_are_left_out(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_bundle(tmp_path / "small.json", objects()))
    with transaction(engine) as session:
        parent = queries.technique(session, "T9001")
        targets = set(session.scalars(select(AttackRelationship.target_ref)))
    assert parent.groups == []  # the only group->T9001 'uses' is revoked
    assert stix_id("attack-pattern", "T9999") not in targets


def test_a_new_bundle_replaces_the_previous_one_of_its_domain(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write_bundle(tmp_path / "v1.json", objects()))
    newer = [o for o in objects() if o is not TOOL] + [technique("T9004", "New Technique")]
    import_file(engine, write_bundle(tmp_path / "v2.json", newer))
    with transaction(engine) as session:
        ids = set(session.scalars(select(AttackObject.attack_id)))
        actor = queries.find_actor(session, "G9001")
    assert "T9004" in ids and "S9002" not in ids
    assert actor.slug == "test-group"  # the same actor, not a second one


def test_bundles_of_other_domains_are_kept_side_by_side(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_bundle(tmp_path / "enterprise.json", objects()))
    mobile = [technique("T9601", "Mobile Technique", domain="mobile-attack")]
    result = import_file(engine, write_bundle(tmp_path / "mobile.json", mobile))
    with transaction(engine) as session:
        domains = dict(
            session.execute(
                select(AttackObject.domain, func.count()).group_by(AttackObject.domain)
            ).all()
        )
    assert result.domain == "mobile-attack"
    assert domains == {"enterprise-attack": 7, "mobile-attack": 1}


def test_two_versions_of_one_object_keep_the_newest(engine: Engine, tmp_path: Path) -> None:
    """STIX bundles may carry several versions of an object; the latest `modified` wins."""
    newer = {**PARENT, "name": "Renamed Technique", "modified": "2025-06-01T00:00:00.000Z"}
    import_file(engine, write_bundle(tmp_path / "versions.json", [newer, *objects()]))
    with transaction(engine) as session:
        assert queries.technique(session, "T9001").name == "Renamed Technique"


# Transactions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bad.json", "bad.json.gz"])
def test_bad_relationship_fails_the_import_and_leaves_the_base_unchanged(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    import_file(engine, write_bundle(tmp_path / "good.json", objects()))
    before, runs = snapshot(engine), import_runs(engine)
    bad = relationship("uses", GROUP, TOOL)
    del bad["target_ref"]
    content = objects()
    content.insert(len(content) // 2, bad)
    path = write_bundle(tmp_path / name, [technique("T9005", "Extra"), *content])

    with pytest.raises(ImportFailed) as failure:
        import_file(engine, path)

    assert failure.value.source == str(path)
    assert failure.value.ref == bad["id"]
    assert str(path) in str(failure.value) and bad["id"] in str(failure.value)
    assert "target_ref" in str(failure.value)
    assert differences(before, snapshot(engine)) == {}
    assert import_runs(engine) == runs


class PowerCut:
    """A progress hook that fails once the import has started writing."""

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        raise RuntimeError("power cut")


def test_import_interrupted_while_writing_is_rolled_back(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, write_bundle(tmp_path / "v1.json", objects()))
    before, runs = snapshot(engine), import_runs(engine)
    newer = [*objects(), technique("T9004", "New Technique"), attack_object("tool", "S9003", "X")]
    path = write_bundle(tmp_path / "v2.json.gz", newer)

    with pytest.raises(RuntimeError, match="power cut"), transaction(engine) as session:
        bundled.import_attack(session, path, PowerCut())

    assert differences(before, snapshot(engine)) == {}
    assert import_runs(engine) == runs


# Unreadable files -------------------------------------------------------------------------


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "no such file" in failure.value.reason
    assert failure.value.source == str(path)


def test_corrupt_gzip_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.json.gz"
    path.write_bytes(b"\x1f\x8b" + b"this is not deflate data" * 10)
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "gzip" in failure.value.reason
    assert failure.value.source == str(path)


def test_truncated_gzip_is_reported_as_such(tmp_path: Path) -> None:
    path = write_bundle(tmp_path / "whole.json.gz", objects())
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "gzip" in failure.value.reason


@pytest.mark.parametrize("name", ["broken.json", "broken.json.gz"])
def test_invalid_json_is_reported_with_its_line_number(tmp_path: Path, name: str) -> None:
    path = write_bundle(tmp_path / name, '{\n  "type": "bundle",\n  "objects": [\n    oops\n  ]\n}')
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert failure.value.line == 4
    assert str(failure.value).startswith(f"{path}, line 4: not valid JSON")


def test_empty_file_is_not_valid_json(tmp_path: Path) -> None:
    path = write_bundle(tmp_path / "empty.json", "")
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "not valid JSON" in failure.value.reason


def test_text_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"type": "bundle", "name": "Café"}'.encode("latin-1"))
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "UTF-8" in failure.value.reason


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        {"type": "indicator", "objects": []},
        {"objects": []},
        {"type": "bundle"},
        {"type": "bundle", "objects": {"not": "a list"}},
        "42",
        "null",
    ],
    ids=["a-list", "another-type", "no-type", "no-objects", "objects-not-a-list", "number", "null"],
)
def test_json_that_is_not_a_stix_bundle_is_rejected(
    tmp_path: Path, content: list[Stix] | Stix | str
) -> None:
    path = write_bundle(tmp_path / "other.json", content)
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert "bundle" in failure.value.reason
    assert failure.value.source == str(path)


def test_object_without_id_is_named_by_its_position(tmp_path: Path) -> None:
    content = objects()
    content.insert(3, {"type": "attack-pattern", "name": "Anonymous"})
    path = write_bundle(tmp_path / "anonymous.json", content)
    with pytest.raises(ImportFailed) as failure:
        attack.read_bundle(path)
    assert failure.value.ref == "object #3"


def test_object_without_name_is_named_by_its_stix_id(engine: Engine, tmp_path: Path) -> None:
    nameless = technique("T9006", "x")
    del nameless["name"]
    path = write_bundle(tmp_path / "nameless.json", [*objects(), nameless])
    with pytest.raises(ImportFailed) as failure:
        import_file(engine, path)
    assert "no name" in failure.value.reason
    assert failure.value.ref == nameless["id"]
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(AttackObject)) == 0


def test_import_failed_message_names_file_line_and_id() -> None:
    error = ImportFailed("bundle.json", "bad thing", line=7, ref="relationship--1")
    assert (error.source, error.reason, error.line, error.ref) == (
        "bundle.json",
        "bad thing",
        7,
        "relationship--1",
    )
    assert str(error) == "bundle.json, line 7, relationship--1: bad thing"
    assert error.status == 422
