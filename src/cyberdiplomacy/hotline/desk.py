"""The hotline desk: what an operator reads and does on one node, from the CLI or the pages.

The store's own queries cover messages and peers; the desk adds the read-only ones the pages
need besides (the latest ping per peer, key rotations), the checks a compose form makes before
`Store.queue` (so bad input queues nothing and names its field), and the ping test as
`hotline ping` runs it. Each call opens the store and closes it again: the running node
process writes the same SQLite file meanwhile (WAL), and a web worker must not hold it open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from cyberdiplomacy.errors import KeyLocked, NoHotlineNode
from cyberdiplomacy.hotline import envelope, identity
from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.ping import PingResult, ping
from cyberdiplomacy.hotline.records import KeyHistory, Peer, PingRecord
from cyberdiplomacy.hotline.store import Store

PING_TIMEOUT = 10.0  # seconds
PING_WORKERS = 8
OUTCOMES = ("reachable", "unreachable", "refused", "key_mismatch", "equivocation")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and newlines are fine


@dataclass(frozen=True)
class PeerEntry:
    """A trusted peer with what the directory page adds: key history and last ping."""

    peer: Peer
    keys: KeyHistory
    last_ping: PingRecord | None


@dataclass(frozen=True)
class Draft:
    """A message checked field by field, ready for `Store.queue`."""

    to: str
    subject: str
    body: str
    priority: str
    respond_within_ms: int | None


def require_node(root: Path | None) -> identity.Identity:
    """The configured node's identity; NoHotlineNode or NodeNotInitialised otherwise."""
    if root is None:
        raise NoHotlineNode()
    return identity.load(root)


def is_node(root: Path | None) -> bool:
    """Whether `root` holds an initialised node (what `hotline init` creates)."""
    return root is not None and (root / identity.NODE_FILE).is_file()


@contextmanager
def opened(root: Path, keys: Keyring | None = None) -> Iterator[tuple[identity.Identity, Store]]:
    """The node's identity and its store, closed on the way out (signing heads with `keys`)."""
    node = identity.load(root)
    store = Store(node.store_path, signer=None if keys is None else keys.current)
    try:
        yield node, store
    finally:
        store.close()


def fingerprint(node: identity.Identity) -> str:
    """This node's own fingerprint, as its card shows it to peers."""
    return str(node.card["fingerprint"])


def peer_entries(store: Store) -> list[PeerEntry]:
    """Every trusted peer by name, with its key history and its last ping."""
    history, pings = store.key_history(), store.latest_pings()
    return [PeerEntry(p, history[p.name], pings.get(p.name)) for p in store.peers()]


# Composing ------------------------------------------------------------------------------


def duration_ms(text: str) -> int:
    """'2h', '30m', '1d12h', '90s' in milliseconds; ValueError for anything else or zero."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None:
        raise ValueError(f"{text.strip()!r} is not a duration like 2h, 30m or 1d")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000
    if not 0 < total <= 365 * 86_400_000:
        raise ValueError("give a deadline between one second and a year")
    return total


def check_body(body: str) -> str | None:
    """What is wrong with a message text, if anything."""
    if not body.strip():
        return "write the message"
    if len(body.encode()) > envelope.MAX_BODY:
        return f"at most {envelope.MAX_BODY // 1024} KiB"
    if _BODY_CONTROL.search(body):
        return "control characters are not allowed"
    return None


def check_draft(
    peers: list[str], to: str, subject: str, body: str, priority: str, respond_within: str
) -> tuple[Draft | None, dict[str, str]]:
    """The draft, or None and what is wrong with each field (nothing is queued on error)."""
    errors: dict[str, str] = {}
    if not to:
        errors["to"] = "choose a peer"
    elif to not in peers:
        errors["to"] = f"{to!r} is not a trusted peer of this node"
    if not subject.strip():
        errors["subject"] = "write a subject"
    elif len(subject.encode()) > envelope.MAX_SUBJECT:
        errors["subject"] = f"at most {envelope.MAX_SUBJECT} bytes"
    elif _CONTROL.search(subject):
        errors["subject"] = "one line, without control characters"
    if problem := check_body(body):
        errors["body"] = problem
    if priority not in envelope.PRIORITIES:
        errors["priority"] = f"use {' or '.join(envelope.PRIORITIES)}"
    within = None
    if respond_within.strip():
        try:
            within = duration_ms(respond_within)
        except ValueError as exc:
            errors["respond_within"] = str(exc)
    if errors:
        return None, errors
    return Draft(to, subject.strip(), body, priority, within), {}


# Ping test ------------------------------------------------------------------------------


def keys_locked(node: identity.Identity) -> bool:
    """Whether the private keys need a passphrase (signing, e.g. a ping, needs them)."""
    try:
        stored = json.loads((node.directory / identity.KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # `keyring` will say what is wrong
    return "locked" in stored


def read_passphrase(path: Path | None) -> str | None:
    """The first line of the passphrase file, as `--passphrase-file` reads it."""
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KeyLocked(f"cannot read the passphrase file {path}: {exc.strerror}") from exc
    if not lines or not lines[0]:
        raise KeyLocked(f"{path} holds no passphrase on its first line")
    return lines[0]


def ping_peers(
    root: Path, passphrase_file: Path | None = None, only: str | None = None
) -> list[PingResult]:
    """Signed pings to every peer (or `only` one), recorded in the store, as `hotline ping`."""
    node = identity.load(root)
    keys = identity.keyring(node, read_passphrase(passphrase_file))
    with opened(root, keys) as (_, store), httpx.Client(timeout=PING_TIMEOUT) as client:
        peers = [store.require_peer(only)] if only else store.peers()
        with ThreadPoolExecutor(max_workers=PING_WORKERS) as pool:  # silent peers wait together
            return list(pool.map(lambda peer: ping(store, node.name, keys, peer, client), peers))
