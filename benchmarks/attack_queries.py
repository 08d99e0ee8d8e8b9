"""Benchmark: ATT&CK group/technique/software queries, workbench vs mitreattack-python.

Both sides run the same workload on the same enterprise ATT&CK bundle, in one process:
load the bundle, then for every current group list its techniques and its software, and for
every current technique list the groups that use it.

Workbench (SQLite file in a temporary folder):
  cold   create the schema (Alembic), import the bundle, run `queries.group_usage` and
         `queries.technique_users`;
  warm   dispose of the engine, open the same file with a new engine, run the two queries.
Peer (`mitreattack.stix20.MitreAttackData`, an in-memory STIX store):
  load     `MitreAttackData(path)` on the decompressed bundle;
  queries  `get_techniques_used_by_group` and `get_software_used_by_group` for every group of
           `get_groups(remove_revoked_deprecated=True)`, `get_groups_using_technique` for every
           technique of `get_techniques(remove_revoked_deprecated=True)`.
The peer needs a plain .json file; the decompression to a temporary file is timed and shown
but NOT counted in the peer's cost, while the workbench's import does read the .gz itself, so
the ratios lean in the peer's favour. The peer has no warm mode: both ratios divide the
peer's load + queries by the workbench's cold or warm time.

After timing, the script checks that both sides did the same work (counts and the pairs
themselves) and explains differences with the bundle's revoked/deprecated flags. The last
line is `warm_ratio=<peer s / ours> cold_ratio=<peer s / ours>`.

Run: .venv/bin/python benchmarks/attack_queries.py [--bundle PATH]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade
from cyberdiplomacy.sources import attack

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT.parent / "shared/data/attack/enterprise-attack-18.1-no-campaigns.json.gz"
EXAMPLES = 10  # differing pairs shown per kind


@dataclass
class Usage:
    """The workload's answers keyed by ATT&CK id (lists keep any duplicates)."""

    techniques_by_group: dict[str, list[str]] = field(default_factory=dict)
    software_by_group: dict[str, list[str]] = field(default_factory=dict)
    groups_by_technique: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        def pairs(mapping: Mapping[str, list[str]]) -> int:
            return sum(len(v) for v in mapping.values())

        return {
            "groups with techniques": sum(1 for v in self.techniques_by_group.values() if v),
            "groups with software": sum(1 for v in self.software_by_group.values() if v),
            "group->technique pairs": pairs(self.techniques_by_group),
            "group->software pairs": pairs(self.software_by_group),
            "techniques with groups": sum(1 for v in self.groups_by_technique.values() if v),
            "technique->group pairs": pairs(self.groups_by_technique),
        }

    def pair_sets(self) -> dict[str, set[tuple[str, str]]]:
        def flat(mapping: Mapping[str, list[str]]) -> set[tuple[str, str]]:
            return {(k, v) for k, values in mapping.items() for v in values}

        return {
            "group->technique pairs": flat(self.techniques_by_group),
            "group->software pairs": flat(self.software_by_group),
            "technique->group pairs": flat(self.groups_by_technique),
        }


# Workbench ---------------------------------------------------------------------------------


def run_workbench(session: Any) -> Usage:
    usage = queries.group_usage(session)
    users = queries.technique_users(session)
    return Usage(
        techniques_by_group={g: u["techniques"] for g, u in usage.items()},
        software_by_group={g: u["software"] for g, u in usage.items()},
        groups_by_technique=users,
    )


def workbench(bundle: Path, folder: Path) -> tuple[dict[str, float], Usage, Any]:
    """Time the cold and warm phases; returns seconds, the warm answers and the overview."""
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        attack.import_bundle(session, bundle)
    seconds["cold: schema + import"] = time.perf_counter() - start
    with transaction(engine) as session:
        cold = run_workbench(session)
    seconds["cold"] = time.perf_counter() - start
    seconds["cold: queries"] = seconds["cold"] - seconds["cold: schema + import"]
    engine.dispose()

    start = time.perf_counter()
    engine = make_engine(url)
    with transaction(engine) as session:
        warm = run_workbench(session)
    seconds["warm"] = time.perf_counter() - start

    with transaction(engine) as session:
        overview = queries.overview(session)
    engine.dispose()
    if warm.counts() != cold.counts():
        print("WARNING: the workbench's cold and warm answers differ", file=sys.stderr)
    return seconds, warm, overview


# Peer ---------------------------------------------------------------------------------------


def attack_id(obj: Any) -> str:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") in attack.ATTACK_SOURCES and ref.get("external_id"):
            return str(ref["external_id"])
    return str(obj["id"])


def peer(json_path: Path) -> tuple[dict[str, float], Usage]:
    """Time the peer's load and queries; the answers are turned into ATT&CK ids untimed."""
    from mitreattack.stix20 import MitreAttackData  # type: ignore[import-untyped]

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    data = MitreAttackData(str(json_path))
    seconds["load"] = time.perf_counter() - start

    start = time.perf_counter()
    groups = data.get_groups(remove_revoked_deprecated=True)
    by_group = [
        (
            group,
            data.get_techniques_used_by_group(group.id),
            data.get_software_used_by_group(group.id),
        )
        for group in groups
    ]
    techniques = data.get_techniques(remove_revoked_deprecated=True)
    by_technique = [(t, data.get_groups_using_technique(t.id)) for t in techniques]
    seconds["queries"] = time.perf_counter() - start
    seconds["total"] = seconds["load"] + seconds["queries"]

    def ids(entries: Iterable[Any]) -> list[str]:
        return [attack_id(entry["object"]) for entry in entries]

    return seconds, Usage(
        techniques_by_group={attack_id(g): ids(t) for g, t, _ in by_group},
        software_by_group={attack_id(g): ids(s) for g, _, s in by_group},
        groups_by_technique={attack_id(t): ids(g) for t, g in by_technique},
    )


# Comparison ---------------------------------------------------------------------------------


def bundle_flags(json_path: Path) -> dict[str, set[str]]:
    """ATT&CK id -> the states of the objects carrying it: current, revoked, deprecated."""
    flags: dict[str, set[str]] = defaultdict(set)
    for obj in json.loads(json_path.read_bytes())["objects"]:
        if obj["type"] in attack.KEPT_TYPES:
            state = [
                name
                for name, key in (("revoked", "revoked"), ("deprecated", "x_mitre_deprecated"))
                if obj.get(key)
            ]
            flags[attack_id(obj)].update(state or ["current"])
    return flags


def compare(ours: Usage, theirs: Usage, flags: Mapping[str, set[str]]) -> bool:
    """Print counts side by side and every difference; True when both did the same work."""
    same = True
    print(f"\n{'count':<26}{'workbench':>12}{'peer':>12}")
    ours_counts, their_counts = ours.counts(), theirs.counts()
    for name, value in ours_counts.items():
        mark = "" if value == their_counts[name] else "   <-- differs"
        same = same and not mark
        print(f"{name:<26}{value:>12}{their_counts[name]:>12}{mark}")

    def state(ident: str) -> str:
        return "/".join(sorted(flags.get(ident, {"not in bundle"})))

    their_sets = theirs.pair_sets()
    for name, pairs in ours.pair_sets().items():
        for label, extra in (
            ("workbench only", pairs - their_sets[name]),
            ("peer only", their_sets[name] - pairs),
        ):
            if not extra:
                continue
            same = False
            print(f"\n{name}, {label}: {len(extra)}")
            for a, b in sorted(extra)[:EXAMPLES]:
                print(f"  {a} ({state(a)}) -> {b} ({state(b)})")
    for side, usage in (("workbench", ours), ("peer", theirs)):
        mappings = (usage.techniques_by_group, usage.software_by_group, usage.groups_by_technique)
        duplicates = sum(len(v) - len(set(v)) for mapping in mappings for v in mapping.values())
        if duplicates:
            same = False
            print(f"\n{side}: {duplicates} duplicate entries in the answers")
    return same


def open_bundle(path: Path) -> io.BufferedIOBase:
    """The bundle's JSON bytes, whether the file is gzipped or not."""
    with path.open("rb") as head:
        gzipped = head.read(2) == b"\x1f\x8b"
    return gzip.open(path) if gzipped else path.open("rb")


# Main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bundle",
        type=Path,
        default=DEFAULT_BUNDLE,
        help="enterprise ATT&CK STIX bundle, .json or .json.gz (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    bundle: Path = args.bundle
    if not bundle.is_file():
        parser.exit(2, f"error: ATT&CK bundle not found: {bundle}\n")

    with tempfile.TemporaryDirectory(prefix="attack-bench-") as tmp:
        folder = Path(tmp)
        json_path = folder / "bundle.json"
        start = time.perf_counter()
        with open_bundle(bundle) as source, json_path.open("wb") as target:
            shutil.copyfileobj(source, target)
        decompress = time.perf_counter() - start

        ours, our_usage, overview = workbench(bundle, folder)
        theirs, their_usage = peer(json_path)
        same = compare(our_usage, their_usage, bundle_flags(json_path))

    print(f"\nbundle: {bundle}")
    print("\nworkbench (SQLite)                 seconds")
    for phase in ("cold: schema + import", "cold: queries", "cold", "warm"):
        print(f"  {phase:<32}{ours[phase]:>8.2f}")
    print("peer (mitreattack-python)          seconds")
    print(f"  {'(decompression, not counted)':<32}{decompress:>8.2f}")
    for phase in ("load", "queries", "total"):
        print(f"  {phase:<32}{theirs[phase]:>8.2f}")
    print("  the peer has no warm mode: both ratios use its load + queries")

    print("\nworkbench base after import:")
    for kind, value in overview.model_dump().items():
        if kind != "top_sponsors":
            print(f"  {kind:<20}{value:>8}")
    print(f"\nsame work on both sides: {'yes' if same else 'NO (see differences above)'}")
    warm_ratio = theirs["total"] / ours["warm"]
    cold_ratio = theirs["total"] / ours["cold"]
    print(f"warm_ratio={warm_ratio:.2f} cold_ratio={cold_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
