"""The node's store: one SQLite file holding peers, outbox, inbox, replay marks and audit log.

Durability is the point of this module. The file is in WAL mode with `synchronous=FULL`, so a
transaction that returned is on disk whatever is killed afterwards; every change happens in an
explicit `BEGIN IMMEDIATE` transaction together with its audit entry (and, when the store holds
the signing key, a signed tree head), so a crash leaves all of it or none. Transactions nest:
callers group many changes into one commit — one fsync — which is what keeps a busy node fast.

Replay protection lives here, not in memory: `seen` keeps, per sender, the highest sequence
number accepted, and each inbox row the newest delivery attempt's timestamp, so a replayed
envelope is refused after a restart exactly as before it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cyberdiplomacy.errors import UnknownPeer
from cyberdiplomacy.hotline import audit, crypto, envelope
from cyberdiplomacy.hotline.crypto import KeyPair
from cyberdiplomacy.hotline.directory import Admission, Card, Trusted, admit
from cyberdiplomacy.hotline.records import (
    Delivered,
    KeyHistory,
    Peer,
    Pending,
    PingRecord,
    Received,
    Sent,
    millis,
    outbox_status,
    received_record,
)
from cyberdiplomacy.hotline.schema import SCHEMA


class Store:
    """One connection to a node's store; safe to share between threads (calls are serialised).

    `signer`, when given, signs a tree head at the end of every transaction that grew the log:
    the node process holds it, short-lived CLI commands do not, and their entries are covered
    by the node's next head.
    """

    def __init__(
        self,
        path: Path,
        *,
        signer: KeyPair | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signer = signer
        self.clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 60000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        with self.transaction() as conn:
            for statement in SCHEMA.split(";"):
                conn.execute(statement)

    def close(self) -> None:
        self.conn.close()

    def now(self) -> int:
        return millis(self.clock)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate-mode transaction; nested calls join the outermost one (one commit)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
                if self.signer is not None:
                    audit.sign_head(self.conn, self.signer, self.now())
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def audit(self, event: str, **details: Any) -> None:
        with self.transaction() as conn:
            audit.append(conn, self.now(), event, **details)

    # Peers --------------------------------------------------------------------------------

    def peer(self, name: str) -> Peer | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT name, endpoint, signing_key, encryption_key, fingerprint, issued "
                "FROM peers WHERE name = ?",
                (name,),
            ).fetchone()
        return None if row is None else Peer(*row)

    def require_peer(self, name: str) -> Peer:
        found = self.peer(name)
        if found is None:
            raise UnknownPeer("peer", name)
        return found

    def peers(self) -> list[Peer]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT name, endpoint, signing_key, encryption_key, fingerprint, issued "
                "FROM peers ORDER BY name"
            ).fetchall()
        return [Peer(*row) for row in rows]

    def key_history(self) -> dict[str, KeyHistory]:
        """Each trusted peer's key history: when first trusted, keys retired, last rotation."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT p.name, p.added_at, COUNT(r.peer), MAX(r.revoked_at) FROM peers p "
                "LEFT JOIN revoked_keys r ON r.peer = p.name GROUP BY p.name"
            ).fetchall()
        return {row[0]: KeyHistory(row[1], row[2], row[3]) for row in rows}

    def is_revoked(self, peer: str, signing_key: str) -> bool:
        with self._lock:
            return (
                self.conn.execute(
                    "SELECT 1 FROM revoked_keys WHERE peer = ? AND signing_key = ?",
                    (peer, signing_key),
                ).fetchone()
                is not None
            )

    def add_peer(self, card: Card, *, replace: bool = False) -> Admission:
        """Trust a card (see `directory.admit`); a rotation revokes the previous key."""
        with self.transaction() as conn:
            current = self.peer(card.name)
            revoked = frozenset(
                r[0]
                for r in conn.execute(
                    "SELECT signing_key FROM revoked_keys WHERE peer = ?", (card.name,)
                )
            )
            trusted = (
                None if current is None else Trusted(current.signing_key, current.issued, revoked)
            )
            admission = admit(card, trusted, replace=replace)
            now = self.now()
            if admission == "unchanged":
                return admission
            if current is not None and current.signing_key != card.signing_key:
                conn.execute(
                    "INSERT OR IGNORE INTO revoked_keys VALUES (?, ?, ?)",
                    (card.name, current.signing_key, now),
                )
            conn.execute(
                "INSERT OR REPLACE INTO peers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card.name,
                    card.endpoint,
                    card.signing_key,
                    card.encryption_key,
                    card.fingerprint,
                    card.issued,
                    json.dumps(card.document),
                    now,
                ),
            )
            audit.append(
                conn, now, f"peer_{admission}", peer=card.name, fingerprint=card.fingerprint
            )
        return admission

    # Outbox -------------------------------------------------------------------------------

    def queue(
        self,
        sender: str,
        to: str,
        subject: str,
        body: str,
        *,
        priority: str = "routine",
        respond_within_ms: int | None = None,
        in_reply_to: str | None = None,
    ) -> str:
        """Durably queue a message (sealed to the peer now) and return its id.

        Its per-pair sequence number is taken inside the transaction, so concurrent senders
        never share one and the receiver can insist on order without gaps.
        """
        with self.transaction() as conn:
            peer = self.require_peer(to)
            now = self.now()
            respond_by = None if respond_within_ms is None else now + respond_within_ms
            message_id = uuid.uuid4().hex
            plaintext = envelope.content(
                id=message_id,
                **{"from": sender, "to": to},
                subject=subject,
                body=body,
                priority=priority,
                in_reply_to=in_reply_to,
                respond_by=respond_by,
                created=now,
            )
            (last,) = conn.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE peer = ?", (to,)
            ).fetchone()
            conn.execute(
                "INSERT INTO outbox (id, peer, seq, subject, body, priority, in_reply_to, "
                "queued_at, respond_by, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    to,
                    last + 1,
                    subject,
                    body,
                    priority,
                    in_reply_to,
                    now,
                    respond_by,
                    crypto.seal(peer.encryption_key, plaintext),
                ),
            )
            audit.append(conn, now, "queued", id=message_id, peer=to, seq=last + 1)
        return message_id

    def pending(self, peer: str, limit: int) -> list[Pending]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, seq, ciphertext FROM outbox WHERE peer = ? AND delivered_at IS NULL "
                "ORDER BY seq LIMIT ?",
                (peer, limit),
            ).fetchall()
        return [Pending(r[0], r[1], bytes(r[2])) for r in rows]

    def record_receipts(self, peer: str, receipts: list[dict[str, Any]]) -> None:
        """Mark messages delivered with the receiver's signed receipts, in one commit."""
        with self.transaction() as conn:
            now = self.now()
            for receipt in receipts:
                updated = conn.execute(
                    "UPDATE outbox SET delivered_at = ?, receipt = ? "
                    "WHERE id = ? AND peer = ? AND delivered_at IS NULL",
                    (now, json.dumps(receipt), receipt["id"], peer),
                ).rowcount
                if updated:
                    audit.append(conn, now, "delivered", id=receipt["id"], peer=peer)

    def sent_to(self, peer: str, message_id: str) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(  # type: ignore[no-any-return]
                "SELECT * FROM outbox WHERE id = ? AND peer = ?", (message_id, peer)
            ).fetchone()

    def record_read(self, peer: str, message_id: str, read_at: int, ack_ts: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET read_at = COALESCE(read_at, ?), ack_ts = ? WHERE id = ?",
                (read_at, ack_ts, message_id),
            )
            audit.append(conn, self.now(), "read", id=message_id, peer=peer)

    def outbox(self) -> list[Sent]:
        now = self.now()
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM outbox ORDER BY queued_at, peer, seq"
            ).fetchall()
        return [
            Sent(
                r["id"],
                r["peer"],
                r["seq"],
                r["subject"],
                r["priority"],
                r["queued_at"],
                r["respond_by"],
                r["delivered_at"],
                r["read_at"],
                r["answered_at"],
                outbox_status(r, now),
            )
            for r in rows
        ]

    def flag_overdue(self) -> list[str]:
        """Flag, once each, the messages whose answer is late; returns the newly flagged ids."""
        now = self.now()
        query = (
            "SELECT id, peer FROM outbox WHERE respond_by < ? "
            "AND answered_at IS NULL AND overdue_at IS NULL"
        )
        with self._lock:
            if not self.conn.execute(query, (now,)).fetchone():
                return []
            with self.transaction() as conn:
                late = conn.execute(query, (now,)).fetchall()
                for message_id, peer in late:
                    conn.execute("UPDATE outbox SET overdue_at = ? WHERE id = ?", (now, message_id))
                    audit.append(conn, now, "overdue", id=message_id, peer=peer)
        return [r[0] for r in late]

    # Inbox --------------------------------------------------------------------------------

    def high_water(self, peer: str) -> int:
        """The highest sequence number accepted from this sender (0 before the first)."""
        with self._lock:
            row = self.conn.execute("SELECT seq FROM seen WHERE peer = ?", (peer,)).fetchone()
        return 0 if row is None else int(row[0])

    def delivered(self, message_id: str) -> Delivered | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT peer, seq, last_attempt, receipt FROM inbox WHERE id = ?", (message_id,)
            ).fetchone()
        return None if row is None else Delivered(row[0], row[1], row[2], json.loads(row[3]))

    def retried(self, message_id: str, attempt: int) -> None:
        """A newer attempt of a message already in: remember its stamp so it cannot replay."""
        with self.transaction() as conn:
            conn.execute("UPDATE inbox SET last_attempt = ? WHERE id = ?", (attempt, message_id))

    def accept(
        self, message: dict[str, Any], seq: int, attempt: int, receipt: dict[str, Any]
    ) -> None:
        """Store a new message, advance the sender's high-water mark, mark what it answers."""
        with self.transaction() as conn:
            now = self.now()
            peer = message["from"]
            conn.execute(
                "INSERT INTO inbox (id, peer, seq, subject, body, priority, in_reply_to, "
                "respond_by, sent_at, received_at, receipt, last_attempt) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message["id"],
                    peer,
                    seq,
                    message["subject"],
                    message["body"],
                    message["priority"],
                    message["in_reply_to"],
                    message["respond_by"],
                    message["created"],
                    now,
                    json.dumps(receipt),
                    attempt,
                ),
            )
            conn.execute("INSERT OR REPLACE INTO seen VALUES (?, ?)", (peer, seq))
            audit.append(conn, now, "received", id=message["id"], peer=peer, seq=seq)
            answered = message["in_reply_to"]
            if (
                answered is not None
                and conn.execute(
                    "UPDATE outbox SET answered_at = ? WHERE id = ? AND peer = ? "
                    "AND answered_at IS NULL",
                    (now, answered, peer),
                ).rowcount
            ):
                audit.append(conn, now, "answered", id=answered, peer=peer, by=message["id"])

    def receipts_for(self, peer: str, ids: list[str]) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self.conn.execute(
                f"SELECT receipt FROM inbox WHERE peer = ? AND id IN ({marks})", (peer, *ids)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def inbox(self) -> list[Received]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM inbox ORDER BY received_at, peer, seq"
            ).fetchall()
        return [received_record(r) for r in rows]

    def received(self, message_id: str) -> Received:
        """A received message by id, or by a unique prefix of 6+ characters (tables cut ids)."""
        with self._lock:
            rows = self.conn.execute("SELECT * FROM inbox WHERE id = ?", (message_id,)).fetchall()
            if not rows and len(message_id) >= 6:  # ids are hex: the range holds the prefix's
                rows = self.conn.execute(
                    "SELECT * FROM inbox WHERE id >= ? AND id < ? LIMIT 2",
                    (message_id, message_id + "g"),
                ).fetchall()
        if len(rows) != 1:
            raise UnknownPeer("message", message_id)
        return received_record(rows[0])

    def ack(self, message_id: str, *, answered: bool = False) -> Received:
        """Mark a received message read (and answered): queues a signed read ack to its sender."""
        with self.transaction() as conn:
            message = self.received(message_id)
            message_id = message.id
            now = self.now()
            if message.read_at is None:
                conn.execute("UPDATE inbox SET read_at = ? WHERE id = ?", (now, message_id))
                conn.execute(
                    "INSERT INTO acks_out (id, peer, read_at) VALUES (?, ?, ?)",
                    (message_id, message.peer, now),
                )
                audit.append(conn, now, "acknowledged", id=message_id, peer=message.peer)
            if answered and message.answered_at is None:
                conn.execute("UPDATE inbox SET answered_at = ? WHERE id = ?", (now, message_id))
        return self.received(message_id)

    def reply(self, sender: str, message_id: str, body: str) -> str:
        """Queue an answer to a received message and mark it read and answered, atomically."""
        with self.transaction():
            message = self.ack(message_id, answered=True)
            subject = message.subject
            if not subject.startswith("Re: ") and len(subject.encode()) <= envelope.MAX_SUBJECT - 4:
                subject = f"Re: {subject}"
            return self.queue(
                sender,
                message.peer,
                subject,
                body,
                priority=message.priority,
                in_reply_to=message.id,
            )

    def pending_acks(self, peer: str, limit: int) -> list[tuple[str, int]]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, read_at FROM acks_out WHERE peer = ? AND delivered_at IS NULL "
                "ORDER BY read_at LIMIT ?",
                (peer, limit),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def acks_delivered(self, ids: list[str]) -> None:
        with self.transaction() as conn:
            now = self.now()
            conn.executemany(
                "UPDATE acks_out SET delivered_at = ? WHERE id = ?", [(now, i) for i in ids]
            )

    # Pings and witnessed heads -----------------------------------------------------------

    def witnessed(self, peer: str) -> int | None:
        """The size of the largest head of the peer's log this node holds (None: none yet)."""
        with self._lock:
            (size,) = self.conn.execute(
                "SELECT MAX(size) FROM witnessed_heads WHERE peer = ?", (peer,)
            ).fetchone()
        return None if size is None else int(size)

    def witness(
        self,
        peer: str,
        head: dict[str, Any],
        *,
        asked: int | None = None,
        proof: list[bytes] | None = None,
    ) -> str | None:
        """Keep a peer's signed tree head; a problem if it contradicts one seen before.

        Same size with another root, or a smaller log than already seen, means the peer shows
        different histories to different people (or rewrote its own). A larger head is kept
        only with the RFC 9162 consistency proof, from the largest head held, that `asked`
        for (a pong's): so every head kept extends the one before, and a rewritten history is
        caught. A larger head with nothing to check it by (a ping's) is not kept.
        """
        size, root = head["size"], head["root"]
        with self.transaction() as conn:
            same = conn.execute(
                "SELECT root FROM witnessed_heads WHERE peer = ? AND size = ?", (peer, size)
            ).fetchone()
            largest, largest_root = conn.execute(
                "SELECT size, root FROM witnessed_heads WHERE peer = ? ORDER BY size DESC LIMIT 1",
                (peer,),
            ).fetchone() or (0, "")
            problem, keep = None, False
            if same is not None:
                if same[0] != root:
                    problem = f"{peer} signed two different logs of size {size}"
            elif size < largest:
                problem = f"{peer}'s log shrank from {largest} to {size} entries"
            elif largest == 0:
                keep = True
            elif asked == largest and proof is None:
                problem = (
                    f"{peer} gave no proof that its log of {size} entries extends "
                    f"the {largest} it signed before"
                )
            elif asked == largest and proof is not None:
                keep = audit.verify_consistency(
                    largest, bytes.fromhex(largest_root), size, bytes.fromhex(root), proof
                )
                if not keep:
                    problem = (
                        f"{peer}'s log of {size} entries does not extend the {largest} it signed "
                        "before: its history was rewritten"
                    )
            if problem:
                self.equivocation(peer, problem)
            elif keep:
                conn.execute(
                    "INSERT INTO witnessed_heads VALUES (?, ?, ?, ?)",
                    (peer, size, root, json.dumps(head)),
                )
        return problem

    def equivocation(self, peer: str, problem: str) -> None:
        """Audit proof that a peer showed histories that cannot both be true."""
        self.audit("equivocation", peer=peer, detail=problem)

    def consistency(self, first: int, second: int) -> list[bytes] | None:
        """This node's RFC 9162 proof that its log of `first` entries is a prefix of `second`."""
        with self._lock:
            return audit.prove_consistency(self.conn, first, second)

    def record_ping(self, peer: str, outcome: str, rtt_ms: float | None, detail: str) -> None:
        with self.transaction() as conn:
            now = self.now()
            conn.execute(
                "INSERT INTO pings VALUES (?, ?, ?, ?, ?)", (now, peer, outcome, rtt_ms, detail)
            )
            audit.append(conn, now, "ping", peer=peer, outcome=outcome)

    def latest_pings(self) -> dict[str, PingRecord]:
        """The most recent ping of each peer that was ever pinged."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT at, peer, outcome, rtt_ms, detail FROM (SELECT *, ROW_NUMBER() OVER "
                "(PARTITION BY peer ORDER BY at DESC, rowid DESC) AS n FROM pings) WHERE n = 1"
            ).fetchall()
        return {row[1]: PingRecord(*row) for row in rows}

    def ping_history(self, limit: int = 100) -> list[PingRecord]:
        """The latest pings, newest first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT at, peer, outcome, rtt_ms, detail FROM pings "
                "ORDER BY at DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [PingRecord(*row) for row in rows]

    def head(self) -> dict[str, Any] | None:
        with self._lock:
            return audit.latest_head(self.conn)
