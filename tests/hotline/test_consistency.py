"""RFC 9162 consistency proofs, and pings that catch a peer whose log was rewritten."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest
from hotline_nodes import (
    CI,
    Clock,
    Network,
    Node,
    Server,
    befriend,
    envelope_for,
    make_node,
    post,
)
from hypothesis import given
from hypothesis import strategies as st
from test_audit import CT_LEAVES, reference_root

from cyberdiplomacy.hotline import audit, crypto
from cyberdiplomacy.hotline.envelope import sign
from cyberdiplomacy.hotline.ping import ping
from cyberdiplomacy.hotline.receiver import Receiver
from cyberdiplomacy.hotline.store import Store


def hashes(entries: list[bytes]) -> list[bytes]:
    return [audit.leaf_hash(e) for e in entries]


def node(*parts: bytes) -> bytes:
    """An interior node of the RFC's example tree, hashed by hand."""
    return crypto.sha256(b"\x01" + b"".join(parts))


def test_proofs_match_the_rfc_9162_example_tree_of_seven_leaves() -> None:
    """RFC 9162 §2.1.5: from 3 leaves [c, d, g, l], from 4 [l], from 6 [i, j, k]."""
    d = CT_LEAVES[:7]
    a, b, c, d3, e, f, j = (crypto.sha256(b"\x00" + leaf) for leaf in d)
    g, h, i = node(a, b), node(c, d3), node(e, f)
    k, l = node(g, h), node(i, j)  # noqa: E741 - the RFC's name
    assert node(k, l) == reference_root(d)
    leaves = hashes(d)
    assert audit.consistency_proof(leaves, 3, 7) == [c, d3, g, l]
    assert audit.consistency_proof(leaves, 4, 7) == [l]
    assert audit.consistency_proof(leaves, 6, 7) == [i, j, k]
    for first in range(8):
        assert audit.verify_consistency(
            first,
            reference_root(d[:first]),
            7,
            reference_root(d),
            audit.consistency_proof(leaves, first, 7),
        )


def test_every_proof_between_every_pair_of_sizes_up_to_40_verifies() -> None:
    entries = [bytes([n]) * (n % 5) + bytes([n]) for n in range(40)]
    leaves = hashes(entries)
    roots = [reference_root(entries[:size]) for size in range(41)]
    for second in range(41):
        for first in range(second + 1):
            proof = audit.consistency_proof(leaves, first, second)
            assert len(proof) <= 2 * second.bit_length()
            assert audit.verify_consistency(first, roots[first], second, roots[second], proof)


# Distinct entries: with repeated ones, two different trees can share a root legitimately.
histories = st.lists(st.binary(max_size=8), min_size=2, max_size=70, unique=True)


@st.composite
def proven(draw: st.DrawFn) -> tuple[list[bytes], int, int, list[bytes]]:
    """A history, sizes 0 < first < second of it, and the proof between them."""
    entries = draw(histories)
    second = draw(st.integers(2, len(entries)))
    first = draw(st.integers(1, second - 1))
    return entries, first, second, audit.consistency_proof(hashes(entries), first, second)


@CI
@given(case=proven())
def test_a_proof_verifies_for_its_sizes_and_roots(
    case: tuple[list[bytes], int, int, list[bytes]],
) -> None:
    entries, first, second, proof = case
    assert audit.verify_consistency(
        first, reference_root(entries[:first]), second, reference_root(entries[:second]), proof
    )


@CI
@given(case=proven(), data=st.data())
def test_an_altered_dropped_or_added_proof_hash_fails(
    case: tuple[list[bytes], int, int, list[bytes]], data: st.DataObject
) -> None:
    entries, first, second, proof = case
    old, new = reference_root(entries[:first]), reference_root(entries[:second])
    at = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    altered = [*proof]
    altered[at] = bytes(
        b ^ (1 << (bit % 8)) if n == bit // 8 else b for n, b in enumerate(altered[at])
    )
    assert not audit.verify_consistency(first, old, second, new, altered)
    assert not audit.verify_consistency(first, old, second, new, proof[:at] + proof[at + 1 :])
    extra = data.draw(st.sampled_from([*proof, old, new, audit.EMPTY_ROOT]))
    assert not audit.verify_consistency(first, old, second, new, [*proof[:at], extra, *proof[at:]])


@CI
@given(case=proven(), data=st.data())
def test_a_proof_fails_for_any_other_pair_of_sizes_of_the_same_history(
    case: tuple[list[bytes], int, int, list[bytes]], data: st.DataObject
) -> None:
    entries, first, second, proof = case
    other_first = data.draw(st.integers(0, len(entries)))
    other_second = data.draw(st.integers(other_first, len(entries)))
    if (other_first, other_second) == (first, second):
        other_second = other_first = 0 if first else 1
    assert not audit.verify_consistency(
        other_first,
        reference_root(entries[:other_first]),
        other_second,
        reference_root(entries[:other_second]),
        proof,
    )


@CI
@given(case=proven(), data=st.data())
def test_a_proof_fails_against_a_root_from_a_different_history(
    case: tuple[list[bytes], int, int, list[bytes]], data: st.DataObject
) -> None:
    entries, first, second, proof = case
    changed = data.draw(st.integers(0, second - 1))
    forged = [*entries]
    forged[changed] = b"rewritten" + forged[changed]
    old, new = reference_root(entries[:first]), reference_root(entries[:second])
    forged_new = reference_root(forged[:second])
    assert not audit.verify_consistency(first, old, second, forged_new, proof)
    if changed < first:
        assert not audit.verify_consistency(
            first, reference_root(forged[:first]), second, new, proof
        )
        # The liar's own proof, between its rewritten trees, does not reach the old root.
        lie = audit.consistency_proof(hashes(forged), first, second)
        assert not audit.verify_consistency(first, old, second, forged_new, lie)


def test_sizes_out_of_order_or_beyond_the_log_have_no_proof() -> None:
    leaves = hashes([b"a", b"b", b"c"])
    for first, second in ((2, 1), (-1, 2), (1, 4)):
        with pytest.raises(ValueError):
            audit.consistency_proof(leaves, first, second)
    root = audit.subtree_root(leaves)
    assert audit.verify_consistency(3, root, 3, root, [])
    assert not audit.verify_consistency(3, root, 3, audit.EMPTY_ROOT, [])
    assert not audit.verify_consistency(3, root, 2, root, [])
    assert audit.verify_consistency(0, audit.EMPTY_ROOT, 3, root, [])
    assert not audit.verify_consistency(0, audit.EMPTY_ROOT, 3, root, [root])


# Pings -------------------------------------------------------------------------------------


def grow(store: Store, entries: int) -> None:
    """Honest growth: new events appended, a new head signed over old and new."""
    with store.transaction() as conn:
        for n in range(entries):
            audit.append(conn, store.now(), "test", n=n)


def rewrite(store: Store, entries: int) -> None:
    """A lying node: its log replaced by another history, re-signed with its own key."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM audit")
        conn.execute("DELETE FROM tree_heads")
        for n in range(entries):
            audit.append(conn, store.now(), "forged", n=n)


def head_size(store: Store) -> int:
    head = store.head()
    assert head is not None
    return int(head["size"])


def audited_equivocations(store: Store) -> list[str]:
    entries = [json.loads(e) for (e,) in store.conn.execute("SELECT entry FROM audit")]
    return [e["detail"] for e in entries if e["event"] == "equivocation"]


def test_a_peer_that_rewrote_its_log_is_caught_and_honest_growth_is_not(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    clock = Clock()
    pinger, liar = a.store(signed=True), b.store(signed=True)
    client = httpx.Client(transport=Network(Receiver(liar, b.name, b.keys())).transport(clock))
    peer = pinger.require_peer(b.name)

    def ping_b() -> tuple[str, str]:
        result = ping(pinger, a.name, a.keys(), peer, client)
        return result.outcome, result.detail

    assert ping_b()[0] == "reachable"
    first = pinger.witnessed(b.name)
    assert first is not None
    for _ in range(3):
        grow(liar, 7)
        assert ping_b() == ("reachable", f"log of {head_size(liar)} entries")
    assert pinger.witnessed(b.name) == first + 21
    rewrite(liar, first + 30)
    outcome, detail = ping_b()
    assert outcome == "equivocation"
    assert detail == (
        f"FIN-NCSC's log of {first + 30} entries does not extend the {first + 21} it signed "
        "before: its history was rewritten"
    )
    assert audited_equivocations(pinger) == [detail]
    assert pinger.witnessed(b.name) == first + 21, "the rewritten head is not kept"
    grow(liar, 5)
    assert ping_b()[0] == "equivocation", "the rewrite stays caught as the liar's log grows"
    outcomes = [r[0] for r in pinger.conn.execute("SELECT outcome FROM pings ORDER BY rowid")]
    assert outcomes == ["reachable"] * 4 + ["equivocation"] * 2
    client.close()
    pinger.close()
    liar.close()


def test_a_pong_without_the_proof_it_was_asked_for_is_equivocation(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    pinger, peer_store = a.store(signed=True), b.store(signed=True)
    receiver = Receiver(peer_store, b.name, b.keys())

    def withholding(request: httpx.Request) -> httpx.Response:
        """B's genuine pong, re-signed by B without its proof."""
        pong = receiver.handle("ping", request.content).body
        fields = {k: v for k, v in pong.items() if k not in ("v", "type", "key", "sig")}
        return httpx.Response(200, json=sign(b.keys().current, "pong", **{**fields, "proof": None}))

    client = httpx.Client(transport=httpx.MockTransport(withholding))
    peer = pinger.require_peer(b.name)
    assert ping(pinger, a.name, a.keys(), peer, client).outcome == "reachable"  # nothing held yet
    held = pinger.witnessed(b.name)
    assert held is not None
    grow(peer_store, 3)
    result = ping(pinger, a.name, a.keys(), peer, client)
    assert (result.outcome, result.detail) == (
        "equivocation",
        f"FIN-NCSC gave no proof that its log of {held + 3} entries extends the {held} "
        "it signed before",
    )
    assert audited_equivocations(pinger) == [result.detail]
    client.close()
    pinger.close()
    peer_store.close()


def test_a_real_node_whose_log_is_rewritten_while_it_is_down_is_caught(
    pair: tuple[Node, Node], servers: list[Server]
) -> None:
    a, b = pair
    server = Server(b).start()
    servers.append(server)
    pinger = a.store(signed=True)
    peer = pinger.require_peer(b.name)
    with httpx.Client(timeout=30) as client:
        assert ping(pinger, a.name, a.keys(), peer, client).outcome == "reachable"
        for seq in (1, 2):  # honest growth: B receives messages, and audits them
            assert post(b.url, "envelopes", envelope_for(a, b, seq)).status_code == 200
            assert ping(pinger, a.name, a.keys(), peer, client).outcome == "reachable"
        held = pinger.witnessed(b.name)
        assert held is not None
        server.kill(signal.SIGKILL)
        liar = b.store(signed=True)
        rewrite(liar, held + 10)
        liar.close()
        server.start()
        result = ping(pinger, a.name, a.keys(), peer, client)
    assert result.outcome == "equivocation" and "history was rewritten" in result.detail
    assert audited_equivocations(pinger) == [result.detail]
    pinger.close()
