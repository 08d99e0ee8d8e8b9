"""A real node process over HTTP: forged, altered, replayed, skewed, unknown, oversized and
malformed deliveries are all refused with their own code, nothing is stored, never a 500."""

from __future__ import annotations

import json
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hotline_nodes import Node, Server, befriend, envelope_for, make_node, now_ms, post

from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.envelope import parse


def stored(node: Node) -> tuple[int, int]:
    """(messages in the inbox, senders with a replay mark): what a refusal must not change."""
    store = node.store()
    counts = tuple(
        store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("inbox", "seen")
    )
    store.close()
    return counts  # type: ignore[return-value]


def audited(node: Node) -> list[dict[str, Any]]:
    store = node.store()
    entries = [json.loads(e) for (e,) in store.conn.execute("SELECT entry FROM audit")]
    store.close()
    return [e for e in entries if e["event"] == "rejected"]


def code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def running(pair: tuple[Node, Node], servers: list[Server]) -> Iterator[tuple[Node, Node]]:
    servers.append(Server(pair[1]).start())
    yield pair


def test_flipping_any_byte_of_an_envelope_is_refused_and_stores_nothing(
    running: tuple[Node, Node],
) -> None:
    sender, receiver = running
    raw = json.dumps(envelope_for(sender, receiver, 1)).encode()
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=receiver.url, timeout=30) as client:
        for position in range(len(raw)):
            for mask in (0x01, 0x80) if position % 7 == 0 else (0x01,):
                flipped = bytearray(raw)
                flipped[position] ^= mask
                answer = client.post("/hotline/v1/envelopes", content=bytes(flipped))
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                assert 400 <= answer.status_code < 500, (position, mask, answer.text)
        assert stored(receiver) == (0, 0)
        assert len(audited(receiver)) == sum(statuses.values())
        genuine = client.post("/hotline/v1/envelopes", content=raw)
    assert genuine.status_code == 200
    assert stored(receiver) == (1, 1)


def test_swapped_fields_and_lifted_ciphertexts_are_refused(
    running: tuple[Node, Node], tmp_path: Path
) -> None:
    sender, receiver = running
    third = make_node(tmp_path, "DEU-BSI")
    befriend(third, receiver)  # the receiver trusts it too: a peer trying to forge
    one = envelope_for(sender, receiver, 1)
    two = envelope_for(sender, receiver, 2, ts=one["ts"] + 1)
    lifted = envelope_for(third, receiver, 1, ciphertext=crypto_of(one))
    cases = {
        "hash_mismatch": {**one, "ct": two["ct"]},
        "bad_signature": {**one, "ct": two["ct"], "ct_hash": two["ct_hash"]},
        "wrong_recipient": {**one, "from": one["to"], "to": one["from"]},
    }
    for field in ("id", "seq", "ts", "sig"):
        cases[f"bad_signature ({field})"] = {**one, field: two[field]}
    for expected, forged in cases.items():
        answer = post(receiver.url, "envelopes", forged)
        assert code(answer) == expected.split(" ")[0], (expected, answer.text)
    answer = post(receiver.url, "envelopes", lifted)
    assert (answer.status_code, code(answer)) == (400, "bad_content")
    assert stored(receiver) == (0, 0)


def crypto_of(document: dict[str, Any]) -> bytes:
    return parse(document, "envelope")["ct"]  # type: ignore[no-any-return]


def test_replays_are_refused_immediately_and_after_a_restart_but_retries_get_the_receipt(
    pair: tuple[Node, Node], servers: list[Server]
) -> None:
    sender, receiver = pair
    server = Server(receiver).start()
    servers.append(server)
    message_id = "ab" * 16
    first = envelope_for(sender, receiver, 1, message_id=message_id)
    receipt = post(receiver.url, "envelopes", first).json()
    assert receipt["type"] == "receipt" and crypto.verify(receiver.card().signing_key, receipt)
    assert code(post(receiver.url, "envelopes", first)) == "replay"
    server.kill(signal.SIGKILL)
    server.start()
    again = post(receiver.url, "envelopes", first)
    assert (again.status_code, code(again)) == (409, "replay")
    other_message_same_seq = envelope_for(sender, receiver, 1)
    assert code(post(receiver.url, "envelopes", other_message_same_seq)) == "replay"
    retry = envelope_for(
        sender, receiver, 1, message_id=message_id, ciphertext=crypto_of(first), ts=now_ms() + 5
    )
    assert post(receiver.url, "envelopes", retry).json() == receipt
    assert code(post(receiver.url, "envelopes", retry)) == "replay"
    assert stored(receiver) == (1, 1)


def test_skewed_unknown_oversized_and_malformed_deliveries_get_their_own_codes(
    running: tuple[Node, Node], tmp_path: Path
) -> None:
    sender, receiver = running
    stranger = make_node(tmp_path, "XXX-UNKNOWN")
    befriend(stranger)  # knows nobody, and nobody knows it
    stranger_store = stranger.store()
    stranger_store.add_peer(receiver.card())
    stranger_store.close()
    minute = 60_000
    cases: list[tuple[bytes | dict[str, Any], int, str]] = [
        (envelope_for(sender, receiver, 1, ts=now_ms() - 6 * minute), 400, "clock_skew"),
        (envelope_for(sender, receiver, 1, ts=now_ms() + 6 * minute), 400, "clock_skew"),
        (envelope_for(stranger, receiver, 1), 403, "unknown_sender"),
        (envelope_for(sender, receiver, 2), 409, "out_of_order"),
        (b'{"v": 1, "type": "envelope"', 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b"[" * 100_000, 400, "malformed_json"),
        (b"[]", 400, "malformed"),
        (b'{"v": 2}', 400, "malformed"),
    ]
    for body, status, expected in cases:
        answer = post(receiver.url, "envelopes", body)
        assert (answer.status_code, code(answer)) == (status, expected), answer.text
    assert stored(receiver) == (0, 0)
    assert [e["code"] for e in audited(receiver)] == [c for _, _, c in cases]
    late_but_inside_the_window = envelope_for(sender, receiver, 1, ts=now_ms() - 4 * minute)
    assert post(receiver.url, "envelopes", late_but_inside_the_window).status_code == 200


def test_an_oversized_body_is_refused_with_413_before_it_is_read(
    running: tuple[Node, Node],
) -> None:
    _, receiver = running
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as raw:
        raw.sendall(
            b"POST /hotline/v1/envelopes HTTP/1.1\r\nHost: node\r\n"
            b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
        )
        answer = raw.recv(4096)  # not one byte of the 50 MB body was sent
    assert answer.startswith(b"HTTP/1.1 413")
    chunked = httpx.post(
        f"{receiver.url}/hotline/v1/envelopes",
        content=iter([b"[" + b" " * 65536] * 40),
        timeout=30,
    )
    assert (chunked.status_code, code(chunked)) == (413, "too_large")
    assert httpx.get(f"{receiver.url}/hotline/v1/envelopes").status_code == 405
    assert code(post(receiver.url, "nowhere", {})) == "not_found"
    assert code(httpx.post(f"{receiver.url}/elsewhere")) == "not_found"
    assert stored(receiver) == (0, 0)
