"""Benchmark: hotline messages delivered and acknowledged per second, against this machine's limits.

In one run, on this machine:
1. crypto limit: libsodium work one message needs end to end, done in a loop — seal to the
   recipient, sign the envelope header, verify it, open it — messages per second;
2. fsync limit: SQLite commits per second in WAL mode with synchronous=FULL, one row each, on
   the same file system as the nodes (what one-fsync-per-message durability would allow);
3. the hotline: two real nodes (`python -m cyberdiplomacy.cli.hotline serve`) on loopback; N
   messages are queued at A (500 per commit), B's reader acknowledges each as it arrives, and the
   clock stops when A has every read acknowledgement back. Every message crossed the wire
   encrypted and signed, was stored durably on both sides, and came back as a signed receipt and
   a signed read ack.

The last line is `ratio=<hotline msgs/s / the tighter of the two limits>`; above 1 means group
commits beat one fsync per message.

Run: .venv/bin/python benchmarks/hotline.py [--messages N]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cyberdiplomacy.hotline import crypto, envelope, identity
from cyberdiplomacy.hotline.crypto import KeyPair
from cyberdiplomacy.hotline.directory import parse_card
from cyberdiplomacy.hotline.store import Store


def crypto_per_second(count: int) -> float:
    sender, recipient = KeyPair.generate(), KeyPair.generate()
    keyring = crypto.Keyring(recipient)
    plaintext = b"x" * 300
    started = time.perf_counter()
    for seq in range(1, count + 1):
        sealed = envelope.seal_envelope(
            sender,
            id="0" * 32,
            sender="A",
            recipient="B",
            seq=seq,
            ts=seq,
            ciphertext=crypto.seal(recipient.encryption_key, plaintext),
        )
        parsed = envelope.parse_envelope(sealed)
        assert parsed.signed_by(sender.signing_key) and keyring.open(parsed.ciphertext)
    return count / (time.perf_counter() - started)


def fsync_commits_per_second(directory: Path, count: int) -> float:
    conn = sqlite3.connect(directory / "fsync.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (x BLOB)")
    started = time.perf_counter()
    for _ in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (b"x" * 300,))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(root: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "cyberdiplomacy.cli.hotline", "serve", "--dir", str(root)]
    process = subprocess.Popen([*command, "--port", str(port), "--max-backoff", "0.2"])
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return process
        except OSError:
            time.sleep(0.02)


def hotline_per_second(directory: Path, count: int) -> float:
    ports = free_port(), free_port()
    roots = directory / "a", directory / "b"
    nodes = [
        identity.create(root, name, f"http://127.0.0.1:{port}")
        for root, name, port in zip(roots, ("A", "B"), ports, strict=True)
    ]
    for node, other in ((nodes[0], nodes[1]), (nodes[1], nodes[0])):
        store = Store(node.store_path)
        store.add_peer(parse_card(other.card))
        store.close()
    processes = [start(root, port) for root, port in zip(roots, ports, strict=True)]
    sender, reader = Store(nodes[0].store_path), Store(nodes[1].store_path)
    try:
        started = time.perf_counter()
        for first in range(0, count, 500):
            with sender.transaction():
                for n in range(first, min(count, first + 500)):
                    sender.queue("A", "B", f"message {n}", "x" * 200)
        read = 0
        while read < count:
            unread = [
                r[0] for r in reader.conn.execute("SELECT id FROM inbox WHERE read_at IS NULL")
            ]
            with reader.transaction():
                for message_id in unread:
                    reader.ack(message_id)
            (read,) = sender.conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE read_at IS NOT NULL"
            ).fetchone()
            time.sleep(0.01)
        return count / (time.perf_counter() - started)
    finally:
        sender.close()
        reader.close()
        for process in processes:
            os.kill(process.pid, signal.SIGTERM)
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="messages to send end to end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:  # on disk here; tmpfs would fake fsync
        crypto_limit = crypto_per_second(2000)
        fsync_limit = fsync_commits_per_second(Path(scratch), 300)
        hotline = hotline_per_second(Path(scratch), args.messages)
    tighter = min(crypto_limit, fsync_limit)
    print(f"crypto limit: {crypto_limit:,.0f} msgs/s (seal + sign + verify + open)")
    print(f"fsync limit:  {fsync_limit:,.0f} commits/s (SQLite WAL, synchronous=FULL)")
    print(f"hotline:      {hotline:,.0f} msgs/s delivered and acknowledged ({args.messages})")
    print(f"ratio={hotline / tighter:.2f}")


if __name__ == "__main__":
    main()
