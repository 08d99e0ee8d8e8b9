"""The delivery worker on a simulated clock: long outages, Retry-After, lost answers."""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hotline_nodes import Clock, Link, befriend, make_node

from cyberdiplomacy.hotline.envelope import MAX_BODY, MAX_REQUEST
from cyberdiplomacy.hotline.worker import Backoff

DAY = 86_400.0


@pytest.fixture
def link(tmp_path: Path) -> Iterator[Link]:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    opened = Link.open(a, b, Clock(), Backoff(base=1.0, cap=3600.0))
    yield opened
    opened.close()


def run_for(link: Link, seconds: float) -> list[float]:
    """Step the worker as its own waits dictate for `seconds` of simulated time."""
    end = link.clock.now + seconds
    while link.clock.now < end:
        wait = link.worker.step()
        link.clock.now += min(max(wait, 0.001), end - link.clock.now)
    return [at for at, _, _ in link.network.requests]


def test_a_peer_down_for_three_days_loses_nothing_retries_capped_and_is_caught_up_promptly(
    link: Link,
) -> None:
    queued = link.queue(300)
    link.network.up = False
    start = link.clock.now
    attempts = run_for(link, 3 * DAY)
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert max(gaps) <= 3600.0, "retries are capped"
    assert min(gaps[-20:]) >= 1800.0, "and settle at the cap, with jitter in [cap/2, cap]"
    assert len(attempts) < 3 * DAY / 1800 + 20, "no retry storm"
    assert gaps[:5] == sorted(gaps[:5]), "exponential at first"
    assert [m.status for m in link.sender.outbox()] == ["queued"] * 300, "nothing dropped"

    link.network.up = True
    back = link.clock.now
    run_for(link, 3600.0)
    delivered = [at for at, path, _ in link.network.requests if at >= back]
    assert delivered[0] - back <= 3600.0, "caught up within one cap"
    assert delivered[-1] - delivered[0] < 1.0, "then everything at once, in batches"
    assert link.inbox_ids() == queued
    assert link.clock.now - start > 3 * DAY


def test_retry_after_is_honoured_even_beyond_the_backoff(link: Link) -> None:
    link.queue(3)
    link.network.retry_after = "120"
    link.worker.backoff = Backoff(base=1.0, cap=10.0)
    attempts = run_for(link, 600.0)
    assert all(b - a >= 120.0 for a, b in itertools.pairwise(attempts))
    link.network.retry_after = None
    run_for(link, 200.0)
    assert len(link.inbox_ids()) == 3


def test_lost_answers_are_retried_and_answered_with_the_original_receipt(link: Link) -> None:
    queued = link.queue(5)
    link.network.lose_answers = True
    run_for(link, 30.0)
    assert link.inbox_ids() == queued, "the receiver has them"
    assert {m.status for m in link.sender.outbox()} == {"queued"}, "the sender does not know"
    first_receipts = link.receiver.receipts_for("EST-CERT", queued)
    link.network.lose_answers = False
    run_for(link, 30.0)
    assert {m.status for m in link.sender.outbox()} == {"delivered"}
    rows = link.sender.conn.execute("SELECT receipt FROM outbox ORDER BY seq").fetchall()

    assert [json.loads(r[0]) for r in rows] == sorted(first_receipts, key=lambda r: r["seq"])
    assert link.inbox_ids() == queued


def test_contact_from_a_peer_ends_the_backoff_at_once(link: Link) -> None:
    link.queue(1)
    link.network.up = False
    run_for(link, 5000.0)
    link.network.up = True
    link.worker.contact("FIN-NCSC")
    link.worker.step()
    assert len(link.inbox_ids()) == 1


def test_read_acks_travel_back_and_mark_the_message_read(link: Link) -> None:
    (message_id,) = link.queue(1)
    run_for(link, 1.0)
    link.receiver.ack(message_id)
    back = Link.open(link.b, link.a, link.clock, Backoff())
    run_for(back, 1.0)
    back.close()
    assert [m.status for m in link.sender.outbox()] == ["read"]


def test_a_sender_whose_clock_went_back_settles_a_delivered_message_by_its_receipt(
    link: Link,
) -> None:
    queued = link.queue(3)
    link.network.lose_answers = True
    run_for(link, 1.0)
    link.network.lose_answers = False
    link.clock.now -= 120.0  # the sender restarts with a clock two minutes behind
    restarted = Link.open(link.a, link.b, link.clock, link.worker.backoff)
    run_for(restarted, 1.0)
    assert restarted.inbox_ids() == queued
    assert {m.status for m in restarted.sender.outbox()} == {"delivered"}
    assert any(path.endswith("/receipts") for _, path, _ in restarted.network.requests)
    restarted.close()


def test_full_size_messages_go_in_batches_a_node_accepts(link: Link) -> None:
    """Batches are bounded in bytes too: 128 full-size messages would be refused with 413."""
    body = secrets.token_hex(MAX_BODY // 2)  # incompressible text of the largest size allowed
    with link.sender.transaction():
        queued = [link.sender.queue(link.a.name, link.b.name, f"m{n}", body) for n in range(40)]
    run_for(link, 60.0)
    assert link.inbox_ids() == queued
    sizes = [len(content) for _, _, content in link.network.requests]
    assert max(sizes) <= MAX_REQUEST and len(sizes) > 1
