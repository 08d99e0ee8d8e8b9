"""What a node does with what it is sent: check everything, then store, then answer.

Every check happens before any state changes, and every refusal has its own code (stable, for
scripts and for the sender's worker), its HTTP status and an audit entry:

    malformed_json 400   malformed 400        too_large 413          wrong_recipient 421
    unknown_sender 403   unknown_key 403      revoked_key 403        bad_signature 403
    hash_mismatch 400    clock_skew 400       replay 409             out_of_order 409
    undecryptable 400    bad_content 400      unknown_message 404    not_found 404
    method_not_allowed 405

Timestamps must be within ±5 minutes of this node's clock. That is checked per delivery
attempt: the sender re-stamps and re-signs every attempt, so a message queued for days still
arrives, while a captured envelope stops working five minutes after it was sent — and before
that, the replay marks in the store refuse it.

A repeated delivery of a message already stored (the sender never saw the receipt) is answered
with the original receipt, provided it is a newer attempt than any seen; anything else with a
known id or an old sequence number is a replay.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cyberdiplomacy.errors import Rejected
from cyberdiplomacy.hotline import crypto, envelope
from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.envelope import parse, parse_envelope, sign
from cyberdiplomacy.hotline.records import Peer
from cyberdiplomacy.hotline.store import Store

WINDOW_MS = 5 * 60 * 1000
MAX_BATCH = 256

STATUS = {
    "malformed_json": 400,
    "malformed": 400,
    "too_large": 413,
    "wrong_recipient": 421,
    "unknown_sender": 403,
    "unknown_key": 403,
    "revoked_key": 403,
    "bad_signature": 403,
    "hash_mismatch": 400,
    "clock_skew": 400,
    "replay": 409,
    "out_of_order": 409,
    "undecryptable": 400,
    "bad_content": 400,
    "unknown_message": 404,
    "not_found": 404,
    "method_not_allowed": 405,
}


def reject(code: str, reason: str) -> Rejected:
    return Rejected(code, reason, STATUS[code])


@dataclass(frozen=True)
class Answer:
    """An HTTP answer without the HTTP: status and JSON body."""

    status: int
    body: Any


def error_body(error: Rejected) -> dict[str, Any]:
    return {"error": {"code": error.code, "message": error.reason}}


class Receiver:
    """Checks and stores what peers send to the node named `name`.

    `on_contact` is told the name of every peer that proved who it is, so the delivery worker
    can stop backing off from a peer that is evidently up.
    """

    def __init__(
        self,
        store: Store,
        name: str,
        keys: Keyring,
        on_contact: Callable[[str], None] = lambda peer: None,
    ) -> None:
        self.store = store
        self.name = name
        self.keys = keys
        self.on_contact = on_contact
        self._routes: dict[str, Callable[[object], Any]] = {
            "envelopes": self._envelope,
            "acks": self._ack,
            "receipts": self._receipt_query,
            "ping": self._ping,
        }

    def handle(self, route: str, raw: bytes) -> Answer:
        """Answer a POST to /hotline/v1/<route>; a JSON array is a batch, answered item by item.

        A batch is checked and stored in one transaction (one fsync for all its messages);
        items after a refused one are still checked, so a gap shows as out_of_order.
        """
        if route not in self._routes:
            return self.refuse(reject("not_found", f"no route /hotline/v1/{route}"))
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            return self.refuse(reject("malformed_json", "the body is not JSON"))
        one = self._routes[route]
        with self.store.transaction():
            if not isinstance(value, list):
                try:
                    return Answer(200, one(value))
                except Rejected as error:
                    return self.refuse(error, value)
            if not 0 < len(value) <= MAX_BATCH or route == "ping":
                return self.refuse(reject("malformed", f"a batch holds 1-{MAX_BATCH} items"))
            results = []
            for item in value:
                try:
                    results.append({"ok": one(item)})
                except Rejected as error:
                    self._audit(error, item)
                    results.append(error_body(error))
            return Answer(200, {"results": results})

    def refuse(self, error: Rejected, value: object = None) -> Answer:
        """Audit a refusal and answer it with its status and code."""
        self._audit(error, value)
        return Answer(error.status, error_body(error))

    def _audit(self, error: Rejected, value: object) -> None:
        claimed = value.get("from") if isinstance(value, dict) else None
        self.store.audit(
            "rejected",
            code=error.code,
            reason=error.reason[:200],
            claimed_sender=claimed if isinstance(claimed, str) else None,
        )

    def _authenticate(self, document: dict[str, Any], signed: dict[str, Any]) -> Peer:
        if document["to"] != self.name:
            raise reject("wrong_recipient", f"this node is {self.name!r}")
        peer = self.store.peer(document["from"])
        if peer is None:
            raise reject("unknown_sender", f"{document['from']!r} is not a trusted peer")
        if document["key"] != peer.signing_key:
            if self.store.is_revoked(peer.name, document["key"]):
                raise reject("revoked_key", "signed with a key the peer revoked")
            raise reject("unknown_key", "signed with a key this node does not know for the peer")
        if not crypto.verify(peer.signing_key, signed):
            raise reject("bad_signature", "the signature does not verify")
        if abs(self.store.now() - document["ts"]) > WINDOW_MS:
            raise reject("clock_skew", "the timestamp is more than 5 minutes from this node's")
        self.on_contact(peer.name)
        return peer

    def _envelope(self, value: object) -> dict[str, Any]:
        sealed = parse_envelope(value)
        if crypto.digest(sealed.ciphertext) != sealed.ct_hash:
            raise reject("hash_mismatch", "ct_hash is not the hash of ct")
        self._authenticate(sealed.document, envelope.header(sealed.document))
        earlier = self.store.delivered(sealed.id)
        if earlier is not None:
            if (earlier.peer, earlier.seq) != (sealed.sender, sealed.seq):
                raise reject("replay", "this message id was delivered with another sender or seq")
            if sealed.ts <= earlier.last_attempt:
                raise reject("replay", "this delivery attempt was already seen")
            self.store.retried(sealed.id, sealed.ts)
            return earlier.receipt
        high = self.store.high_water(sealed.sender)
        if sealed.seq <= high:
            raise reject("replay", f"sequence number {sealed.seq} was already used")
        if sealed.seq > high + 1:
            raise reject("out_of_order", f"expected sequence number {high + 1}")
        message = self._open(sealed)
        receipt = sign(
            self.keys.current,
            "receipt",
            id=sealed.id,
            to=sealed.sender,
            seq=sealed.seq,
            ct_hash=sealed.ct_hash,
            received=self.store.now(),
            **{"from": self.name},
        )
        self.store.accept(message, sealed.seq, sealed.ts, receipt)
        return receipt

    def _open(self, sealed: envelope.Envelope) -> dict[str, Any]:
        plaintext = self.keys.open(sealed.ciphertext)
        if plaintext is None:
            raise reject("undecryptable", "the content is not sealed to this node's keys")
        try:
            message = envelope.check_content(json.loads(plaintext))
        except (ValueError, Rejected) as exc:
            raise reject("bad_content", "the sealed content is not a message") from exc
        if (message["id"], message["from"], message["to"]) != (
            sealed.id,
            sealed.sender,
            sealed.recipient,
        ):
            raise reject("bad_content", "the sealed content belongs to another envelope")
        return message

    def _ack(self, value: object) -> dict[str, Any]:
        ack = parse(value, "ack")
        peer = self._authenticate(ack, ack)
        sent = self.store.sent_to(peer.name, ack["id"])
        if sent is None:
            raise reject("unknown_message", "no such message was sent to you")
        if sent["ack_ts"] is not None and ack["ts"] <= sent["ack_ts"]:
            raise reject("replay", "this acknowledgement was already seen")
        self.store.record_read(peer.name, ack["id"], ack["read"], ack["ts"])
        return {"id": ack["id"]}

    def _receipt_query(self, value: object) -> dict[str, Any]:
        query = parse(value, "receipt_query")
        peer = self._authenticate(query, query)
        return {"receipts": self.store.receipts_for(peer.name, query["ids"])}

    def _ping(self, value: object) -> dict[str, Any]:
        ping = parse(value, "ping")
        peer = self._authenticate(ping, ping)
        head = ping["head"]
        if head is not None:
            if head["key"] != peer.signing_key or not crypto.verify(peer.signing_key, head):
                raise reject("bad_signature", "the tree head is not signed by the peer")
            self.store.witness(peer.name, head)
        own = self.store.head()
        proof = None
        if own is not None and ping["witnessed"] is not None:
            path = self.store.consistency(ping["witnessed"], own["size"])
            proof = None if path is None else [h.hex() for h in path]
        return sign(
            self.keys.current,
            "pong",
            to=peer.name,
            nonce=ping["nonce"],
            ts=self.store.now(),
            head=own,
            proof=proof,
            **{"from": self.name},
        )
