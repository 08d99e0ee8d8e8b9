"""The tamper-evident audit log: an append-only Merkle tree in the style of RFC 9162.

Every sent, delivered, read, answered, overdue and rejected event is a leaf. Leaf and node hashes
are domain-separated (leaf = H(0x00 || entry), node = H(0x01 || left || right)) so a leaf can
never pass for a node. The node signs a tree head (size, root, time) in the same transaction as
it appends, so a head always covers what was committed with it; `verify` recomputes every root
from the entries and checks it against every signed head: an edited, deleted or reordered
entry changes a root, a cut-off tail leaves a head larger than the log. Heads are also handed to
peers in pings, so a node that rewrote its log *and* its heads is caught by its peers' copies.

The compact "frontier" (the roots of the perfect subtrees, largest first) is stored with each
head so the next head costs only the new leaves; `verify` never trusts it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.crypto import KeyPair
from cyberdiplomacy.hotline.envelope import sign

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL,
    leaf BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tree_heads (
    size INTEGER PRIMARY KEY,
    head TEXT NOT NULL,
    frontier TEXT NOT NULL
);
"""


def leaf_hash(entry: bytes) -> bytes:
    return crypto.sha256(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    return crypto.sha256(b"\x01" + left + right)


@dataclass
class Frontier:
    """Roots of the perfect subtrees of the leaves so far, with their heights."""

    nodes: list[tuple[int, bytes]] = field(default_factory=list)
    size: int = 0

    def add(self, leaf: bytes) -> None:
        self.nodes.append((0, leaf))
        self.size += 1
        while len(self.nodes) > 1 and self.nodes[-1][0] == self.nodes[-2][0]:
            (height, right), (_, left) = self.nodes.pop(), self.nodes.pop()
            self.nodes.append((height + 1, node_hash(left, right)))

    def root(self) -> bytes:
        """RFC 9162's MTH: the empty hash for no leaves, else folded from the right."""
        if not self.nodes:
            return crypto.sha256(b"")
        root = self.nodes[-1][1]
        for _, left in reversed(self.nodes[:-1]):
            root = node_hash(left, root)
        return root

    def dump(self) -> str:
        return json.dumps({"size": self.size, "nodes": [[h, n.hex()] for h, n in self.nodes]})

    @classmethod
    def load(cls, text: str) -> Frontier:
        data = json.loads(text)
        return cls([(h, bytes.fromhex(n)) for h, n in data["nodes"]], data["size"])


def root_of(entries: Iterable[bytes]) -> bytes:
    frontier = Frontier()
    for entry in entries:
        frontier.add(leaf_hash(entry))
    return frontier.root()


def append(conn: sqlite3.Connection, at: int, event: str, **details: Any) -> None:
    """Add one event; the caller's transaction makes it atomic with the change it records."""
    entry = crypto.canonical({"at": at, "event": event, **details})
    conn.execute("INSERT INTO audit (entry, leaf) VALUES (?, ?)", (entry, leaf_hash(entry)))


def latest_head(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute("SELECT head FROM tree_heads ORDER BY size DESC LIMIT 1").fetchone()
    return None if row is None else json.loads(row[0])


def sign_head(conn: sqlite3.Connection, keys: KeyPair, at: int) -> dict[str, Any] | None:
    """Sign a head over every entry so far, if the log grew; inside the caller's transaction."""
    row = conn.execute("SELECT frontier FROM tree_heads ORDER BY size DESC LIMIT 1").fetchone()
    frontier = Frontier() if row is None else Frontier.load(row[0])
    new = conn.execute(
        "SELECT idx, leaf FROM audit WHERE idx > ? ORDER BY idx", (frontier.size,)
    ).fetchall()
    if not new:
        return None
    for _, leaf in new:
        frontier.add(bytes(leaf))
    head = sign(keys, "tree_head", size=frontier.size, root=frontier.root().hex(), ts=at)
    conn.execute(
        "INSERT INTO tree_heads (size, head, frontier) VALUES (?, ?, ?)",
        (frontier.size, json.dumps(head), frontier.dump()),
    )
    return head


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the problems (none when intact), entries, and how many are signed."""

    problems: list[str]
    entries: int
    signed: int


def verify(conn: sqlite3.Connection, signing_keys: set[str]) -> Verdict:
    """Every inconsistency between the entries and the signed heads.

    `signing_keys` are this node's own keys, current and retired: a head signed by anything
    else was forged. Entries after the last head are not a problem: the node signs them in
    its next transaction.
    """
    problems: list[str] = []
    heads: dict[int, Mapping[str, Any]] = {}
    for size, text in conn.execute("SELECT size, head FROM tree_heads ORDER BY size"):
        head = json.loads(text)
        if head.get("key") not in signing_keys or not crypto.verify(head["key"], head):
            problems.append(f"tree head of size {size} has no valid signature by this node")
        elif head.get("size") != size:
            problems.append(f"tree head filed under size {size} says size {head.get('size')}")
        else:
            heads[size] = head
    frontier = Frontier()
    for idx, entry, leaf in conn.execute("SELECT idx, entry, leaf FROM audit ORDER BY idx"):
        if idx != frontier.size + 1:
            problems.append(f"entry {frontier.size + 1} is missing (next is {idx})")
        recomputed = leaf_hash(bytes(entry))
        if bytes(leaf) != recomputed:
            problems.append(f"entry {idx} does not match its stored leaf hash")
        frontier.add(recomputed)
        head = heads.get(frontier.size)
        if head is not None and head["root"] != frontier.root().hex():
            problems.append(f"entries up to {frontier.size} differ from the signed tree head")
    beyond = [size for size in heads if size > frontier.size]
    if beyond:
        problems.append(
            f"the log has {frontier.size} entries but a signed tree head covers {max(beyond)}: "
            "entries were cut off"
        )
    return Verdict(problems, frontier.size, max(heads, default=0))
