"""The delivery worker: moves the outbox (messages and read acks) to peers, forever if need be.

Per peer it sends what is pending in sequence order, in batches, each attempt freshly stamped
and signed; it records the signed receipts of a whole batch in one commit. When a peer fails —
unreachable, refusing, answering garbage — it waits before trying again, exponentially longer
with random jitter (so a restarted peer is not hit by everyone at once), capped so a peer that
comes back after days is caught up within one cap, and at least as long as a `Retry-After`
asks. Nothing is ever dropped: a message stays queued until a receipt for it checks out.

The clock and the HTTP transport are injected: tests drive `step` with a simulated clock and an
in-process peer, production runs `run` in a thread with the wall clock and real HTTP.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cyberdiplomacy.errors import Rejected
from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.envelope import MAX_REQUEST, parse, seal_envelope, sign
from cyberdiplomacy.hotline.records import Peer, Pending
from cyberdiplomacy.hotline.store import Store

BATCH = 128
API = "/hotline/v1"
MAX_BATCH_BYTES = MAX_REQUEST // 2  # well within what a node reads: any one envelope fits
MAX_RETRY_AFTER = 24 * 3600.0  # a peer may ask for a pause, not for silence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Delays between failed attempts: base · 2^failures, capped, times a jitter in [½, 1]."""

    base: float = 0.5
    cap: float = 60.0

    def delay(self, failures: int, rng: random.Random) -> float:
        exponential = self.base * 2.0 ** min(failures, 62)
        return min(self.cap, exponential) * (0.5 + rng.random() / 2)


@dataclass
class PeerState:
    """Where delivery to one peer stands (kept in memory: a restart simply tries at once)."""

    failures: int = 0
    next_at: float = 0.0


class Failure(Exception):
    """A delivery attempt that did not go through; `retry_after` is the peer's request."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def retry_after(response: httpx.Response, now: float) -> float:
    """Seconds the peer asked us to wait (delta-seconds or HTTP date; at most a day)."""
    value = response.headers.get("retry-after")
    if value is None:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError):
            return 0.0
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


class Worker:
    """Delivers one node's outbox. `step` does one pass; `run` loops until stopped."""

    def __init__(
        self,
        store: Store,
        name: str,
        keys: Keyring,
        client: httpx.Client,
        *,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        batch: int = BATCH,
    ) -> None:
        self.store = store
        self.name = name
        self.keys = keys
        self.client = client
        self.backoff = backoff or Backoff()
        self.rng = rng or random.Random()
        self.batch = batch
        self.states: dict[str, PeerState] = {}
        self._last_stamp = 0
        self._wake = threading.Event()

    def contact(self, peer: str) -> None:
        """A peer just proved it is up: try it again now rather than after the backoff."""
        state = self.states.get(peer)
        if state is not None and state.failures:
            state.next_at = 0.0
            self._wake.set()

    def run(self, stop: threading.Event, poll: float = 0.05) -> None:
        """Deliver until `stop` is set; new mail from other processes is noticed by polling."""
        while not stop.is_set():
            wait = self.step()
            self._wake.wait(min(poll, wait) if wait > 0 else 0)
            self._wake.clear()

    def step(self) -> float:
        """One pass over every peer with something due; seconds until the next one is due."""
        self.store.flag_overdue()
        now = self.store.clock()
        soonest = float("inf")
        for peer in self.store.peers():
            state = self.states.setdefault(peer.name, PeerState())
            if state.next_at > now:
                soonest = min(soonest, state.next_at - now)
                continue
            try:
                more = self._deliver(peer)
            except Failure as failure:
                delay = max(self.backoff.delay(state.failures, self.rng), failure.retry_after)
                if not state.failures:
                    log.warning("delivery to %s failing: %s", peer.name, failure.reason)
                state.failures += 1
                state.next_at = now + delay
                soonest = min(soonest, delay)
                continue
            if state.failures:
                log.warning("delivery to %s works again", peer.name)
                state.failures = 0
            if more:
                soonest = 0.0
        return soonest

    def _stamp(self) -> int:
        """A fresh timestamp for an attempt, strictly after the previous one."""
        self._last_stamp = max(self.store.now(), self._last_stamp + 1)
        return self._last_stamp

    def _deliver(self, peer: Peer) -> bool:
        """Send what is due to one peer; whether more is waiting. Raises Failure."""
        messages = self.store.pending(peer.name, self.batch)
        acks = self.store.pending_acks(peer.name, self.batch)
        sent = self._deliver_messages(peer, messages) if messages else 0
        if acks:
            self._deliver_acks(peer, acks)
        return sent < len(messages) or len(messages) == self.batch or len(acks) == self.batch

    def _deliver_messages(self, peer: Peer, messages: list[Pending]) -> int:
        """Deliver the first messages, as many as fit in one request; how many went."""
        batch: list[dict[str, Any]] = []
        size = 0
        for m in messages:
            envelope = seal_envelope(
                self.keys.current,
                id=m.id,
                sender=self.name,
                recipient=peer.name,
                seq=m.seq,
                ts=self._stamp(),
                ciphertext=m.ciphertext,
            )
            size += len(json.dumps(envelope)) + 2
            if batch and size > MAX_BATCH_BYTES:
                break
            batch.append(envelope)
        messages = messages[: len(batch)]
        results = self._post(peer, "envelopes", batch)
        receipts = []
        for message, result in zip(messages, results, strict=True):
            if "ok" in result:
                receipts.append(self._check_receipt(peer, message, result["ok"]))
                continue
            # A replay refusal for our own message: the peer has it, but saw a later stamp
            # (this clock went back since); the receipt it gave then settles it.
            recovered = self._recover_receipt(peer, message) if _code(result) == "replay" else None
            if recovered is None:
                break
            receipts.append(recovered)
        self.store.record_receipts(peer.name, receipts)
        if len(receipts) < len(messages):
            raise Failure(_error_of(results[len(receipts)]))
        return len(messages)

    def _deliver_acks(self, peer: Peer, acks: list[tuple[str, int]]) -> None:
        batch = [
            sign(
                self.keys.current,
                "ack",
                id=message_id,
                to=peer.name,
                read=read_at,
                ts=self._stamp(),
                **{"from": self.name},
            )
            for message_id, read_at in acks
        ]
        results = self._post(peer, "acks", batch)
        done = [a[0] for a, r in zip(acks, results, strict=True) if "ok" in r]
        self.store.acks_delivered(done)
        if len(done) < len(acks):
            raise Failure(_error_of(next(r for r in results if "ok" not in r)))

    def _request(self, peer: Peer, route: str, body: object) -> Any:
        """POST a document or batch; the JSON answer of a 200, Failure otherwise."""
        try:
            response = self.client.post(
                f"{peer.endpoint.rstrip('/')}{API}/{route}",
                content=json.dumps(body).encode(),
                headers={"content-type": "application/json"},
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise Failure(f"unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise Failure(f"HTTP {response.status_code}", retry_after(response, self.store.clock()))
        try:
            return response.json()
        except ValueError as exc:
            raise Failure("the peer's answer is not JSON") from exc

    def _post(self, peer: Peer, route: str, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self._request(peer, route, batch)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(batch):
            raise Failure("the peer's answer does not match the batch")
        if not all(isinstance(r, dict) for r in results):
            raise Failure("the peer's answer holds non-objects")
        return results

    def _recover_receipt(self, peer: Peer, message: Pending) -> dict[str, Any] | None:
        query = sign(
            self.keys.current,
            "receipt_query",
            to=peer.name,
            ids=[message.id],
            ts=self._stamp(),
            **{"from": self.name},
        )
        try:
            answer = self._request(peer, "receipts", query)
            receipts = answer.get("receipts") if isinstance(answer, dict) else None
            if not isinstance(receipts, list) or len(receipts) != 1:
                return None
            return self._check_receipt(peer, message, receipts[0])
        except Failure:
            return None  # the batch's refusal is what gets reported

    def _check_receipt(self, peer: Peer, message: Pending, value: object) -> dict[str, Any]:
        """The receipt if the peer signed it for this very message; Failure otherwise."""
        try:
            receipt = parse(value, "receipt")
        except Rejected as exc:
            raise Failure(f"malformed receipt: {exc.reason}") from exc
        expected = (
            message.id,
            message.seq,
            crypto.digest(message.ciphertext),
            self.name,
            peer.name,
            peer.signing_key,
        )
        got = tuple(receipt[k] for k in ("id", "seq", "ct_hash", "to", "from", "key"))
        if got != expected or not crypto.verify(peer.signing_key, receipt):
            raise Failure("the receipt is not the peer's signed receipt for this message")
        return receipt


def _code(result: dict[str, Any]) -> object:
    error = result.get("error")
    return error.get("code") if isinstance(error, dict) else None


def _error_of(result: dict[str, Any]) -> str:
    error = result.get("error")
    if isinstance(error, dict):
        return f"refused: {error.get('code')}: {error.get('message')}"
    return "refused without a reason"
