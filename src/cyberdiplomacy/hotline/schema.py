"""The store's tables. Every statement is idempotent (IF NOT EXISTS): opening a store creates it.

Why these tables: `outbox` and `inbox` keep each message with its per-pair sequence number
(unique per peer) and its signed receipt; `seen` is the replay mark per sender; `acks_out`
queues read acknowledgements; `revoked_keys` outlives rotations; `witnessed_heads` keeps the
tree heads peers showed us; the audit log's own tables come from audit.py.
"""

from __future__ import annotations

from cyberdiplomacy.hotline import audit

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS peers (
    name TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    encryption_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    issued INTEGER NOT NULL,
    card TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_keys (
    peer TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    revoked_at INTEGER NOT NULL,
    PRIMARY KEY (peer, signing_key)
);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    peer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    priority TEXT NOT NULL,
    in_reply_to TEXT,
    queued_at INTEGER NOT NULL,
    respond_by INTEGER,
    ciphertext BLOB NOT NULL,
    delivered_at INTEGER,
    receipt TEXT,
    read_at INTEGER,
    ack_ts INTEGER,
    answered_at INTEGER,
    overdue_at INTEGER,
    UNIQUE (peer, seq)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (peer, seq) WHERE delivered_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_deadlines ON outbox (respond_by)
    WHERE answered_at IS NULL AND overdue_at IS NULL;
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    peer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    priority TEXT NOT NULL,
    in_reply_to TEXT,
    respond_by INTEGER,
    sent_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    receipt TEXT NOT NULL,
    last_attempt INTEGER NOT NULL,
    read_at INTEGER,
    answered_at INTEGER,
    UNIQUE (peer, seq)
);
CREATE TABLE IF NOT EXISTS seen (
    peer TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS acks_out (
    id TEXT PRIMARY KEY,
    peer TEXT NOT NULL,
    read_at INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS acks_pending ON acks_out (peer, read_at) WHERE delivered_at IS NULL;
CREATE TABLE IF NOT EXISTS pings (
    at INTEGER NOT NULL,
    peer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    rtt_ms REAL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pings_by_peer ON pings (peer, at);
CREATE TABLE IF NOT EXISTS witnessed_heads (
    peer TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,
    head TEXT NOT NULL,
    PRIMARY KEY (peer, size)
);
"""
    + audit.SCHEMA
)
