"""Profiles for the attribution tests: a hand-built bundle for units, the shared one for the rest.

The hand-built bundle goes through the same STIX reader as the real one. Its groups:
G0001 uses T1059.001 and malware S0001; G0002 uses the parent T1059 and T1105;
G0003 uses T1001 and T1105; G0004 uses T1001 and tool S0002. T1086 is revoked by T1059.001.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cyberdiplomacy.attribution import GroupProfiles, from_bundle, from_objects

Stix = dict[str, Any]


def _object(kind: str, attack_id: str, name: str, **extra: Any) -> Stix:
    return {
        "type": kind,
        "id": f"{kind}--{attack_id.lower().replace('.', '-')}",
        "name": name,
        "external_references": [{"source_name": "mitre-attack", "external_id": attack_id}],
        **extra,
    }


def _relation(kind: str, source: Stix, target: Stix, cites: str = "") -> Stix:
    return {
        "type": "relationship",
        "id": f"relationship--{source['id']}-{kind}-{target['id']}",
        "relationship_type": kind,
        "source_ref": source["id"],
        "target_ref": target["id"],
        "description": f"Seen.(Citation: {cites})" if cites else "",
    }


def toy_objects() -> list[Stix]:
    """The hand-built bundle's objects (see the module docstring)."""
    t1059 = _object("attack-pattern", "T1059", "Command and Scripting Interpreter")
    t1059_001 = _object("attack-pattern", "T1059.001", "PowerShell")
    t1059_003 = _object("attack-pattern", "T1059.003", "Windows Command Shell")
    t1086 = _object("attack-pattern", "T1086", "PowerShell", revoked=True)
    t1105 = _object("attack-pattern", "T1105", "Ingress Tool Transfer")
    t1001 = _object("attack-pattern", "T1001", "Data Obfuscation")
    s0001 = _object("malware", "S0001", "Rare Implant")
    s0002 = _object("tool", "S0002", "Common Tool")
    groups = [_object("intrusion-set", f"G000{n}", f"Group {n}") for n in range(1, 5)]
    g1, g2, g3, g4 = groups
    return [
        t1059,
        t1059_001,
        t1059_003,
        t1086,
        t1105,
        t1001,
        s0001,
        s0002,
        *groups,
        _relation("subtechnique-of", t1059_001, t1059),
        _relation("subtechnique-of", t1059_003, t1059),
        _relation("revoked-by", t1086, t1059_001),
        _relation("uses", s0001, t1105),
        _relation("uses", g1, t1059_001, "Report A"),
        _relation("uses", g1, s0001, "Report A"),
        _relation("uses", g2, t1059, "Report B"),
        _relation("uses", g2, t1105, "Report B"),
        _relation("uses", g3, t1001, "Report C"),
        _relation("uses", g3, t1105, "Report C"),
        _relation("uses", g4, t1001, "Report D"),
        _relation("uses", g4, s0002, "Report D"),
    ]


@pytest.fixture(scope="session")
def toy() -> GroupProfiles:
    return from_objects(toy_objects(), origin="toy bundle")


@pytest.fixture(scope="session")
def enterprise() -> GroupProfiles:
    """Profiles from the shared ATT&CK Enterprise 18.1 bundle (campaigns removed)."""
    bundle = Path(__file__).resolve().parents[3] / "shared/data/attack"
    path = bundle / "enterprise-attack-18.1-no-campaigns.json.gz"
    if not path.exists():
        pytest.skip(f"shared ATT&CK bundle not found at {path}")
    return from_bundle(path)
