"""The store's records as callers see them, and the statuses derived from their timestamps."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Peer:
    name: str
    endpoint: str
    signing_key: str
    encryption_key: str
    fingerprint: str
    issued: int


@dataclass(frozen=True)
class PingRecord:
    """One recorded ping: when (ms), to whom, its outcome, response time and detail."""

    at: int
    peer: str
    outcome: str
    rtt_ms: float | None
    detail: str


@dataclass(frozen=True)
class KeyHistory:
    """When a peer was first trusted, how many of its keys were retired, and the last time."""

    added_at: int
    retired_keys: int
    last_rotation: int | None


@dataclass(frozen=True)
class Pending:
    """An outbox message waiting for delivery, in per-pair sequence order."""

    id: str
    seq: int
    ciphertext: bytes


@dataclass(frozen=True)
class Sent:
    """An outbox row as the user sees it."""

    id: str
    peer: str
    seq: int
    subject: str
    priority: str
    queued_at: int
    respond_by: int | None
    delivered_at: int | None
    read_at: int | None
    answered_at: int | None
    status: str


@dataclass(frozen=True)
class Received:
    """An inbox row as the user sees it."""

    id: str
    peer: str
    seq: int
    subject: str
    body: str
    priority: str
    in_reply_to: str | None
    respond_by: int | None
    received_at: int
    read_at: int | None
    answered_at: int | None
    status: str


@dataclass(frozen=True)
class Delivered:
    """What the inbox keeps to answer a repeated delivery of a message."""

    peer: str
    seq: int
    last_attempt: int
    receipt: dict[str, Any]


def millis(clock: Callable[[], float]) -> int:
    return int(clock() * 1000)


def outbox_status(row: sqlite3.Row, now: int) -> str:
    if row["answered_at"] is not None:
        return "answered"
    if row["overdue_at"] is not None or (row["respond_by"] is not None and now > row["respond_by"]):
        return "overdue"
    if row["read_at"] is not None:
        return "read"
    return "delivered" if row["delivered_at"] is not None else "queued"


def received_record(r: sqlite3.Row) -> Received:
    return Received(
        r["id"],
        r["peer"],
        r["seq"],
        r["subject"],
        r["body"],
        r["priority"],
        r["in_reply_to"],
        r["respond_by"],
        r["received_at"],
        r["read_at"],
        r["answered_at"],
        "answered" if r["answered_at"] else "read" if r["read_at"] else "new",
    )
