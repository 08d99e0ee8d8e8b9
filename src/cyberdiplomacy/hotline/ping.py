"""Ping tests, as the UN and OSCE points-of-contact networks run them: does the contact answer?

A ping is signed and carries this node's signed tree head, and the size of the largest head of
the peer's log this node holds; the pong must be signed by the key this node trusts for the
peer, echo the nonce, and carry the peer's own tree head with an RFC 9162 consistency proof
(§2.1.4) from that size to its head's. The head is kept if it agrees with what the peer showed
before: two heads of one size with different roots, a log that shrank, or a larger log with no
proof that it extends the one held show a peer presenting different histories (to different
peers, or over time), recorded as "equivocation". Every outcome and response time is recorded.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from cyberdiplomacy.errors import Rejected
from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.envelope import parse, sign
from cyberdiplomacy.hotline.records import Peer
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.hotline.worker import API


@dataclass(frozen=True)
class PingResult:
    """reachable, unreachable, refused, key_mismatch or equivocation; rtt when it answered."""

    peer: str
    outcome: str
    rtt_ms: float | None
    detail: str


def ping(store: Store, name: str, keys: Keyring, peer: Peer, client: httpx.Client) -> PingResult:
    nonce = uuid.uuid4().hex
    witnessed = store.witnessed(peer.name)
    request = sign(
        keys.current,
        "ping",
        to=peer.name,
        nonce=nonce,
        ts=store.now(),
        head=store.head(),
        witnessed=witnessed,
        **{"from": name},
    )
    started = time.perf_counter()
    try:
        response = client.post(f"{peer.endpoint.rstrip('/')}{API}/ping", json=request)
    except httpx.HTTPError as exc:
        return _record(store, PingResult(peer.name, "unreachable", None, type(exc).__name__))
    rtt = round((time.perf_counter() - started) * 1000, 2)
    if response.status_code != 200:
        try:
            detail = str(response.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            detail = f"HTTP {response.status_code}"
        return _record(store, PingResult(peer.name, "refused", rtt, detail))
    return _record(store, _check_pong(store, name, peer, request, response, rtt))


def _check_pong(
    store: Store,
    name: str,
    peer: Peer,
    request: dict[str, Any],
    response: httpx.Response,
    rtt: float,
) -> PingResult:
    """The outcome of the answer to the ping `request`."""
    nonce, witnessed = request["nonce"], request["witnessed"]
    try:
        pong = parse(response.json(), "pong")
    except (ValueError, Rejected) as exc:
        return PingResult(peer.name, "key_mismatch", rtt, f"not a pong: {exc}")
    if (pong["from"], pong["to"], pong["nonce"]) != (peer.name, name, nonce):
        return PingResult(peer.name, "key_mismatch", rtt, "the pong answers another ping")
    if pong["key"] != peer.signing_key or not crypto.verify(peer.signing_key, pong):
        return PingResult(peer.name, "key_mismatch", rtt, "not signed by the trusted key")
    head = pong["head"]
    if head is None and witnessed:
        vanished = f"{peer.name}'s log shrank from {witnessed} entries to none"
        store.equivocation(peer.name, vanished)
        return PingResult(peer.name, "equivocation", rtt, vanished)
    if head is not None:
        if head["key"] != peer.signing_key or not crypto.verify(peer.signing_key, head):
            return PingResult(peer.name, "key_mismatch", rtt, "tree head not signed by the peer")
        proof = None if pong["proof"] is None else [bytes.fromhex(h) for h in pong["proof"]]
        problem = store.witness(peer.name, head, asked=witnessed, proof=proof)
        if problem:
            return PingResult(peer.name, "equivocation", rtt, problem)
    size = "no log yet" if head is None else f"log of {head['size']} entries"
    return PingResult(peer.name, "reachable", rtt, size)


def _record(store: Store, result: PingResult) -> PingResult:
    store.record_ping(result.peer, result.outcome, result.rtt_ms, result.detail)
    return result
