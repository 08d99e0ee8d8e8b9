"""The audit log: RFC 9162 roots, and every kind of tampering caught by `log verify`."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hotline_nodes import CI, Node, make_node
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cyberdiplomacy.cli.main import app
from cyberdiplomacy.hotline import audit
from cyberdiplomacy.hotline.crypto import sha256


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.1, MTH, written as the RFC states it."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:]))


# The Certificate Transparency test vectors (leaves and roots of trees of 1 to 8 leaves).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_roots_match_the_certificate_transparency_vectors() -> None:
    assert [audit.root_of(CT_LEAVES[: n + 1]).hex() for n in range(8)] == CT_ROOTS


def test_roots_match_the_rfc_definition_for_every_size_up_to_70() -> None:
    leaves = [bytes([n]) * n for n in range(70)]
    for size in range(71):
        assert audit.root_of(leaves[:size]) == reference_root(leaves[:size])


def logged_node(tmp_path: Path, entries: int, heads_every: int) -> Node:
    """A node whose log has `entries` events, a tree head signed every `heads_every`."""
    node = make_node(tmp_path, "EST-CERT")
    store = node.store(signed=True)
    for start in range(0, entries, heads_every):
        with store.transaction() as conn:
            for n in range(start, min(entries, start + heads_every)):
                audit.append(conn, 1_700_000_000_000 + n, "test", n=n)
    store.close()
    return node


def verify(node: Node) -> list[str]:
    conn = sqlite3.connect(node.identity.store_path)
    try:
        return audit.verify(conn, set(node.identity.signing_keys)).problems
    finally:
        conn.close()


Tamper = Callable[[sqlite3.Connection, random.Random, int], None]


def edit(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    idx = rng.randint(1, size)
    (entry,) = conn.execute("SELECT entry FROM audit WHERE idx = ?", (idx,)).fetchone()
    changed = bytearray(entry)
    changed[rng.randrange(len(changed))] ^= 1 << rng.randrange(8)
    conn.execute("UPDATE audit SET entry = ? WHERE idx = ?", (bytes(changed), idx))


def edit_and_rehash(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    idx = rng.randint(1, size)
    entry = json.dumps({"at": 0, "event": "forged"}).encode()
    conn.execute(
        "UPDATE audit SET entry = ?, leaf = ? WHERE idx = ?", (entry, audit.leaf_hash(entry), idx)
    )


def delete(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    conn.execute("DELETE FROM audit WHERE idx = ?", (rng.randint(1, size),))


def reorder(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    first, second = rng.sample(range(1, size + 1), 2)
    rows = {
        idx: (entry, leaf)
        for idx, entry, leaf in conn.execute(
            "SELECT idx, entry, leaf FROM audit WHERE idx IN (?, ?)", (first, second)
        )
    }
    for idx, other in ((first, second), (second, first)):
        conn.execute("UPDATE audit SET entry = ?, leaf = ? WHERE idx = ?", (*rows[other], idx))


def truncate(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    conn.execute("DELETE FROM audit WHERE idx > ?", (rng.randint(0, size - 1),))


def forge_head(conn: sqlite3.Connection, rng: random.Random, size: int) -> None:
    (text,) = conn.execute("SELECT head FROM tree_heads ORDER BY random() LIMIT 1").fetchone()
    head = json.loads(text)
    head["root"] = "00" * 32
    conn.execute("UPDATE tree_heads SET head = ? WHERE size = ?", (json.dumps(head), head["size"]))


TAMPERINGS = [edit, edit_and_rehash, delete, reorder, truncate, forge_head]


@CI
@given(
    entries=st.integers(2, 40),
    heads_every=st.integers(1, 10),
    tamper=st.sampled_from(TAMPERINGS),
    seed=st.integers(0, 2**32),
)
def test_verify_detects_edits_deletions_reorderings_truncations_and_forged_heads(
    tmp_path_factory: pytest.TempPathFactory,
    entries: int,
    heads_every: int,
    tamper: Tamper,
    seed: int,
) -> None:
    node = logged_node(tmp_path_factory.mktemp("log"), entries, heads_every)
    assert verify(node) == []
    conn = sqlite3.connect(node.identity.store_path)
    with conn:
        tamper(conn, random.Random(seed), entries)
    conn.close()
    assert verify(node), f"{tamper.__name__} went unnoticed"


def test_log_verify_exits_non_zero_on_an_inconsistent_log(tmp_path: Path) -> None:
    node = logged_node(tmp_path, 12, 4)
    ok = CliRunner().invoke(app, ["hotline", "log", "verify", "--dir", str(node.root)])
    assert ok.exit_code == 0 and "consistent" in ok.output
    conn = sqlite3.connect(node.identity.store_path)
    with conn:
        delete(conn, random.Random(1), 12)
    conn.close()
    broken = CliRunner().invoke(app, ["hotline", "log", "verify", "--dir", str(node.root)])
    assert broken.exit_code == 1
    assert broken.stderr.startswith("Error: audit log inconsistent: entry")
    as_json = CliRunner().invoke(
        app, ["hotline", "log", "verify", "--dir", str(node.root), "--json"]
    )
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["consistent"] is False


def test_a_peer_showing_two_histories_is_caught_from_its_signed_heads(tmp_path: Path) -> None:
    node = make_node(tmp_path, "EST-CERT")
    store = node.store()
    first = {"size": 5, "root": "11" * 32}
    assert store.witness("FIN-NCSC", first) is None
    assert "two different logs" in (store.witness("FIN-NCSC", {"size": 5, "root": "22" * 32}) or "")
    assert "shrank" in (store.witness("FIN-NCSC", {"size": 3, "root": "33" * 32}) or "")
    store.close()
