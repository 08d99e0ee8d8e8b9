"""The tamper-evident audit log: an append-only Merkle tree in the style of RFC 9162.

Every sent, delivered, read, answered, overdue and rejected event is a leaf. Leaf and node hashes
are domain-separated (leaf = H(0x00 || entry), node = H(0x01 || left || right)) so a leaf can
never pass for a node. The node signs a tree head (size, root, time) in the same transaction as
it appends, so a head always covers what was committed with it; `verify` recomputes every root
from the entries and checks it against every signed head: an edited, deleted or reordered
entry changes a root, a cut-off tail leaves a head larger than the log. Heads are also handed to
peers in pings, so a node that rewrote its log *and* its heads is caught by its peers' copies:
a pong whose head is larger than the one the pinger holds comes with a consistency proof
(RFC 9162 §2.1.4) that the old tree is a prefix of the new one, which a rewritten history
cannot give.

The compact "frontier" (the roots of the perfect subtrees, largest first) is stored with each
head so the next head costs only the new leaves; `verify` never trusts it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
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


EMPTY_ROOT = crypto.sha256(b"")


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (> 1): where RFC 9162 splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_root(leaves: Sequence[bytes], start: int = 0, end: int | None = None) -> bytes:
    """MTH (RFC 9162 §2.1.1) of the leaf hashes `leaves[start:end]`."""
    end = len(leaves) if end is None else end
    if end - start <= 1:
        return leaves[start] if end > start else EMPTY_ROOT
    middle = start + _split(end - start)
    return node_hash(subtree_root(leaves, start, middle), subtree_root(leaves, middle, end))


def consistency_proof(leaves: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1, from the log's leaf hashes.

    Empty when there is nothing to prove (`first` is 0 or equals `second`).
    """
    if not 0 <= first <= second <= len(leaves):
        raise ValueError(f"no consistency proof from {first} to {second} in {len(leaves)} leaves")
    if first in (0, second):
        return []
    return _subproof(leaves, first, 0, second, whole=True)


def _subproof(leaves: Sequence[bytes], m: int, start: int, end: int, *, whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[start:end], whole): `whole` is the RFC's b, "m is the whole old tree"."""
    if m == end - start:
        return [] if whole else [subtree_root(leaves, start, end)]
    k = _split(end - start)
    if m <= k:
        return [
            *_subproof(leaves, m, start, start + k, whole=whole),
            subtree_root(leaves, start + k, end),
        ]
    return [
        *_subproof(leaves, m - k, start + k, end, whole=False),
        subtree_root(leaves, start, start + k),
    ]


def verify_consistency(
    first: int, first_root: bytes, second: int, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree of `first` leaves is a prefix of that of `second`.

    RFC 9162 §2.1.4.2, plus the two cases it leaves out, which need no proof: the empty tree
    is a prefix of every tree, and a tree is consistent with itself.
    """
    if not 0 <= first <= second:
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    # Steps 2 to 7 of the RFC, with its names.
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


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
            return EMPTY_ROOT
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


def prove_consistency(conn: sqlite3.Connection, first: int, second: int) -> list[bytes] | None:
    """A consistency proof between this log's trees of `first` and `second` entries.

    None when there is none to give: `first` is 0, or the log does not hold `second` entries.
    """
    leaves = [
        bytes(leaf)
        for (leaf,) in conn.execute("SELECT leaf FROM audit WHERE idx <= ? ORDER BY idx", (second,))
    ]
    if not 0 < first <= second <= len(leaves):
        return None
    return consistency_proof(leaves, first, second)


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
