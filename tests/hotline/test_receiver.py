"""The receiver in-process: batches, acks, receipt queries and pings, refusal by refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hotline_nodes import Node, befriend, envelope_for, make_node, now_ms

from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.envelope import sign
from cyberdiplomacy.hotline.receiver import Answer, Receiver


@pytest.fixture
def receiving(pair: tuple[Node, Node]) -> Iterator[tuple[Node, Node, Receiver]]:
    sender, receiver = pair
    store = receiver.store(signed=True)
    yield sender, receiver, Receiver(store, receiver.name, receiver.keys())
    store.close()


def handle(receiver: Receiver, route: str, body: Any) -> Answer:
    return receiver.handle(route, json.dumps(body).encode())


def error(answer: Answer) -> str:
    return str(answer.body["error"]["code"])


def test_a_batch_is_answered_item_by_item_and_a_gap_shows_as_out_of_order(
    receiving: tuple[Node, Node, Receiver],
) -> None:
    a, b, receiver = receiving
    batch = [envelope_for(a, b, 1), envelope_for(a, b, 3), envelope_for(a, b, 2)]
    results = handle(receiver, "envelopes", batch).body["results"]
    assert [r["ok"]["seq"] if "ok" in r else r["error"]["code"] for r in results] == [
        1,
        "out_of_order",
        2,
    ]
    assert receiver.store.high_water(a.name) == 2


def test_batches_are_bounded_and_pings_are_never_batched(
    receiving: tuple[Node, Node, Receiver],
) -> None:
    receiver = receiving[2]
    assert error(handle(receiver, "envelopes", [{}] * 257)) == "malformed"
    assert error(handle(receiver, "ping", [{}])) == "malformed"


def test_read_acks_are_checked_and_replays_refused(receiving: tuple[Node, Node, Receiver]) -> None:
    a, b, receiver = receiving
    store = b.store()
    message_id = store.queue(b.name, a.name, "question", "body")
    store.close()
    ack = sign(
        a.keys().current,
        "ack",
        id=message_id,
        to=b.name,
        read=now_ms(),
        ts=now_ms(),
        **{"from": a.name},
    )
    assert handle(receiver, "acks", ack).body == {"id": message_id}
    assert error(handle(receiver, "acks", ack)) == "replay"
    stranger = sign(
        a.keys().current, "ack", id="cd" * 16, to=b.name, read=1, ts=now_ms(), **{"from": a.name}
    )
    assert error(handle(receiver, "acks", stranger)) == "unknown_message"
    assert [m.status for m in receiver.store.outbox()] == ["read"]


def test_receipt_queries_return_only_the_askers_receipts(
    receiving: tuple[Node, Node, Receiver], tmp_path: Path
) -> None:
    a, b, receiver = receiving
    third = make_node(tmp_path, "DEU-BSI")
    befriend(third, b)
    sent = envelope_for(a, b, 1)
    receipt = handle(receiver, "envelopes", sent).body
    for asker, expected in ((a, [receipt]), (third, [])):
        query = sign(
            asker.keys().current,
            "receipt_query",
            to=b.name,
            ids=[sent["id"]],
            ts=now_ms(),
            **{"from": asker.name},
        )
        assert handle(receiver, "receipts", query).body == {"receipts": expected}


def test_a_ping_is_answered_with_a_signed_pong_and_the_pingers_head_is_witnessed(
    receiving: tuple[Node, Node, Receiver],
) -> None:
    a, b, receiver = receiving
    head = sign(a.keys().current, "tree_head", size=3, root="ab" * 32, ts=now_ms())
    ping = sign(
        a.keys().current,
        "ping",
        to=b.name,
        nonce="0" * 32,
        ts=now_ms(),
        head=head,
        witnessed=None,
        **{"from": a.name},
    )
    pong = handle(receiver, "ping", ping).body
    assert pong["type"] == "pong" and pong["nonce"] == "0" * 32
    assert crypto.verify(b.card().signing_key, pong)
    forged = {**head, "root": "cd" * 32}
    ping = sign(
        a.keys().current,
        "ping",
        to=b.name,
        nonce="1" * 32,
        ts=now_ms(),
        head=forged,
        witnessed=None,
        **{"from": a.name},
    )
    assert error(handle(receiver, "ping", ping)) == "bad_signature"
