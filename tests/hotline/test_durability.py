"""Real node processes on loopback, really killed: nothing lost, nothing duplicated, in order."""

from __future__ import annotations

import random
import signal
import sqlite3
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


def received(connection: sqlite3.Connection) -> int:
    (count,) = connection.execute("SELECT COUNT(*) FROM inbox").fetchone()
    return int(count)


def test_receiver_sigkilled_20_times_during_2000_messages_loses_and_duplicates_nothing(
    pair: tuple[Node, Node], servers: list[Server]
) -> None:
    """Every kill waits for proof that delivery is under way, not for a guessed time.

    A kill lands mid-delivery when the receiver's inbox grew since its restart and still lacks
    messages once it is dead. Each restart lets a random share of at most half the backlog in
    (the sender sends batches of 10, so the rest is still on its way), then kills: the kill
    point follows the delivery, however fast or loaded the machine. A kill that still came too
    late (the test process stalled) does not count, and another round is run.
    """
    sender, receiver = pair
    sending = Server(sender)
    sending.command += ["--batch", "10"]
    servers.append(sending.start())
    receiving = Server(receiver)
    servers.append(receiving)
    outbox = sender.store()
    inbox = sqlite3.connect(receiver.identity.store_path, timeout=60)
    rng = random.Random(20)
    queued: list[str] = []
    kills = kills_mid_delivery = 0
    while kills_mid_delivery < 20 and kills < 30:
        if len(queued) < 2000:
            with outbox.transaction():  # one commit for the round's 100 sends
                for n in range(len(queued), len(queued) + 100):
                    queued.append(outbox.queue(sender.name, receiver.name, f"m{n}", f"body {n}"))
        before = received(inbox)
        if len(queued) - before < 2:
            break
        enough = before + rng.randint(1, (len(queued) - before) // 2)
        receiving.start()
        wait_until(lambda goal=enough: received(inbox) >= goal, timeout=120, every=0.002)
        receiving.kill(signal.SIGKILL)
        kills += 1
        kills_mid_delivery += before < received(inbox) < len(queued)
    receiving.start()
    wait_until(lambda: undelivered(outbox) == 0, timeout=120)
    outbox.close()
    inbox.close()
    assert len(queued) == 2000
    assert kills_mid_delivery == 20, f"{kills_mid_delivery} of {kills} kills were mid-delivery"
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
