"""Real node processes on loopback, really killed: nothing lost, nothing duplicated, in order."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

from hotline_nodes import FAST_ENTRY, Node, Server, wait_until

from cyberdiplomacy.hotline import audit
from cyberdiplomacy.hotline.store import Store


def undelivered(store: Store) -> int:
    (count,) = store.conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"
    ).fetchone()
    return int(count)


def assert_received_exactly_once_in_order(receiver: Node, expected: list[str]) -> None:
    """The inbox holds each expected id once, with seq 1..n in the order they were sent."""
    store = receiver.store()
    rows = store.conn.execute("SELECT id, seq FROM inbox ORDER BY rowid").fetchall()
    store.close()
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "a message was stored twice"
    assert [r[1] for r in rows] == list(range(1, len(rows) + 1)), "per-pair order broken"
    assert ids == expected


def test_receiver_sigkilled_20_times_during_2000_messages_loses_and_duplicates_nothing(
    pair: tuple[Node, Node], servers: list[Server]
) -> None:
    sender, receiver = pair
    servers.append(Server(sender).start())
    receiving = Server(receiver)
    servers.append(receiving)
    outbox = sender.store()
    rng = random.Random(20)
    queued: list[str] = []
    kills_mid_delivery = 0
    for round_ in range(20):
        with outbox.transaction():  # one commit for the round's 100 sends
            for n in range(len(queued), len(queued) + 100):
                queued.append(outbox.queue(sender.name, receiver.name, f"m{n}", f"body {n}"))
        receiving.start()
        time.sleep(rng.uniform(0.0, 0.3))
        if undelivered(outbox):
            kills_mid_delivery += 1
        receiving.kill(signal.SIGKILL)
        assert round_ < 19 or len(queued) == 2000
    receiving.start()
    wait_until(lambda: undelivered(outbox) == 0, timeout=90)
    outbox.close()
    assert kills_mid_delivery >= 10, "the kills should land while messages are in flight"
    assert_received_exactly_once_in_order(receiver, queued)
    store = receiver.store()
    assert audit.verify(store.conn, set(receiver.identity.signing_keys)).problems == []
    store.close()


def send_cli(node: Node, to: str, n: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            *FAST_ENTRY,
            *("send", "--dir", str(node.root), "--to", to),
            *("--subject", f"cli {n}", "--body", f"sent by the CLI, {n}"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_sender_killed_while_sending_delivers_every_returned_send_exactly_once(
    pair: tuple[Node, Node], servers: list[Server], tmp_path: Path
) -> None:
    sender, receiver = pair
    servers.append(Server(receiver).start())
    sending = Server(sender)
    servers.append(sending)
    outbox = sender.store()
    rng = random.Random(7)
    returned: list[str] = []
    kills_mid_delivery = 0
    for round_ in range(6):
        clis = [send_cli(sender, receiver.name, round_ * 10 + i) for i in range(2)]
        with outbox.transaction():
            returned += [outbox.queue(sender.name, receiver.name, "core", "x") for _ in range(100)]
        sending.start()
        time.sleep(rng.uniform(0.0, 0.15))
        kills_mid_delivery += undelivered(outbox) > 0
        sending.kill(signal.SIGKILL)
        clis[rng.randrange(2)].kill()  # a `send` killed mid-flight may or may not have queued
        for cli in clis:
            out, _ = cli.communicate(timeout=60)
            if cli.returncode == 0:
                returned.append(out.decode().strip())
    assert kills_mid_delivery >= 3
    sending.start()
    wait_until(lambda: undelivered(outbox) == 0, timeout=90)
    queued = [r[0] for r in outbox.conn.execute("SELECT id FROM outbox ORDER BY seq")]
    outbox.close()
    assert set(returned) <= set(queued)
    assert_received_exactly_once_in_order(receiver, queued)
