"""The documents nodes exchange, and a strict parser for each.

Every document is a JSON object with `v` (1), `type`, the signer's `key` and its `sig`. The
parser accepts exactly the listed fields with exactly the listed shapes and nothing else, and
it only accepts the one canonical spelling of every value (lowercase hex, padded base64 that
re-encodes to itself): a byte flipped anywhere must change what is signed or be refused here,
never be silently normalised away.

    envelope       id, from, to, seq, ts, ct, ct_hash   signed over all but `ct` (its hash is in)
    receipt        id, from, to, seq, ct_hash, received  the receiver's proof of delivery
    ack            id, from, to, read, ts                the reader's proof of reading
    ping           from, to, nonce, ts, head, witnessed  the sender's signed tree head, and the
                                                         size of the recipient's log it holds
    pong           from, to, nonce, ts, head, proof      the same, and the RFC 9162 consistency
                                                         proof from `witnessed` to `head`
    receipt_query  from, to, ids, ts                     asks for receipts already given
    tree_head      size, root, ts                        the audit log's signed head
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cyberdiplomacy.errors import Rejected
from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.crypto import KeyPair

VERSION = 1
MAX_REQUEST = 1024 * 1024  # bytes of one request body a node reads; more is refused with 413
MAX_CIPHERTEXT = 200_000  # base64 characters: a 64 KiB body and its subject, sealed
MAX_IDS = 256
MAX_PROOF = 128  # a consistency proof has at most 2·log2(size) hashes; sizes stay below 2^53
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,64}")
_HEX = re.compile(r"[0-9a-f]*")
_LIMIT = 2**53  # integers JSON parsers in every language read exactly

Check = Callable[[object, str], Any]


def malformed(reason: str) -> Rejected:
    return Rejected("malformed", reason, 400)


def hex_of(length: int) -> Check:
    def check(value: object, field: str) -> str:
        if isinstance(value, str) and len(value) == length and _HEX.fullmatch(value):
            return value
        raise malformed(f"{field} must be {length} lowercase hex digits")

    return check


def name(value: object, field: str) -> str:
    if isinstance(value, str) and _NAME.fullmatch(value) and value == value.strip():
        return value
    raise malformed(f"{field} must be a name of 1-64 printable characters")


def integer(low: int) -> Check:
    def check(value: object, field: str) -> int:
        if type(value) is int and low <= value < _LIMIT:
            return value
        raise malformed(f"{field} must be an integer from {low} to 2^53")

    return check


def ciphertext(value: object, field: str) -> bytes:
    if isinstance(value, str) and 0 < len(value) <= MAX_CIPHERTEXT:
        try:
            raw = base64.b64decode(value, validate=True)
        except binascii.Error:
            raw = b""
        if raw and base64.b64encode(raw).decode() == value:
            return raw
    raise malformed(f"{field} must be canonical padded base64 of at most {MAX_CIPHERTEXT} chars")


def optional(check: Check) -> Check:
    def optional_check(value: object, field: str) -> Any:
        return None if value is None else check(value, field)

    return optional_check


def ids(value: object, field: str) -> list[str]:
    if isinstance(value, list) and 0 < len(value) <= MAX_IDS:
        return [MESSAGE_ID(v, field) for v in value]
    raise malformed(f"{field} must be a list of 1-{MAX_IDS} message ids")


def tree_head(value: object, field: str) -> dict[str, Any]:
    return parse(value, "tree_head")


def hashes(value: object, field: str) -> list[str]:
    if isinstance(value, list) and len(value) <= MAX_PROOF:
        return [HASH(v, field) for v in value]
    raise malformed(f"{field} must be a list of at most {MAX_PROOF} hashes")


MESSAGE_ID = hex_of(32)
HASH = hex_of(64)
MILLIS = integer(0)

SPECS: dict[str, dict[str, Check]] = {
    "envelope": {
        "id": MESSAGE_ID,
        "from": name,
        "to": name,
        "seq": integer(1),
        "ts": MILLIS,
        "ct": ciphertext,
        "ct_hash": HASH,
    },
    "receipt": {
        "id": MESSAGE_ID,
        "from": name,
        "to": name,
        "seq": integer(1),
        "ct_hash": HASH,
        "received": MILLIS,
    },
    "ack": {"id": MESSAGE_ID, "from": name, "to": name, "read": MILLIS, "ts": MILLIS},
    "ping": {
        "from": name,
        "to": name,
        "nonce": hex_of(32),
        "ts": MILLIS,
        "head": optional(tree_head),
        "witnessed": optional(integer(0)),
    },
    "pong": {
        "from": name,
        "to": name,
        "nonce": hex_of(32),
        "ts": MILLIS,
        "head": optional(tree_head),
        "proof": optional(hashes),
    },
    "receipt_query": {"from": name, "to": name, "ids": ids, "ts": MILLIS},
    "tree_head": {"size": integer(0), "root": HASH, "ts": MILLIS},
}
SIGNED = {"key": hex_of(64), "sig": hex_of(128)}


def parse(value: object, kind: str, spec: Mapping[str, Check] | None = None) -> dict[str, Any]:
    """The document if it is a well-formed `kind`; Rejected("malformed") otherwise.

    Shape only: signatures, keys and clocks are the receiver's business.
    """
    fields = {**(SPECS[kind] if spec is None else spec), **SIGNED}
    if not isinstance(value, dict):
        raise malformed(f"a {kind} must be a JSON object")
    if value.get("v") != VERSION or type(value.get("v")) is not int:
        raise malformed(f"unsupported version {value.get('v')!r}; this node speaks {VERSION}")
    if value.get("type") != kind:
        raise malformed(f"expected a {kind}, got type {value.get('type')!r}")
    extra = set(value) - set(fields) - {"v", "type"}
    missing = set(fields) - set(value)
    if extra or missing:
        raise malformed(f"{kind} fields: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return {"v": VERSION, "type": kind, **{f: check(value[f], f) for f, check in fields.items()}}


def header(document: Mapping[str, Any]) -> dict[str, Any]:
    """What an envelope's signature covers: everything but the ciphertext, whose hash is in."""
    return {k: v for k, v in document.items() if k != "ct"}


@dataclass(frozen=True)
class Envelope:
    """A parsed envelope: the signed header and the sealed content."""

    document: dict[str, Any]
    ciphertext: bytes

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def sender(self) -> str:
        return str(self.document["from"])

    @property
    def recipient(self) -> str:
        return str(self.document["to"])

    @property
    def seq(self) -> int:
        return int(self.document["seq"])

    @property
    def ts(self) -> int:
        return int(self.document["ts"])

    @property
    def key(self) -> str:
        return str(self.document["key"])

    @property
    def ct_hash(self) -> str:
        return str(self.document["ct_hash"])

    def signed_by(self, signing_key: str) -> bool:
        """Signed by that key, over a header whose hash matches the ciphertext."""
        return (
            self.key == signing_key
            and crypto.digest(self.ciphertext) == self.ct_hash
            and crypto.verify(signing_key, header(self.document))
        )


def parse_envelope(value: object) -> Envelope:
    document = parse(value, "envelope")
    return Envelope(document, document["ct"])


def seal_envelope(
    keys: KeyPair,
    *,
    id: str,
    sender: str,
    recipient: str,
    seq: int,
    ts: int,
    ciphertext: bytes,
) -> dict[str, Any]:
    """An envelope for one delivery attempt: stamped with `ts` and signed now."""
    head = {
        "v": VERSION,
        "type": "envelope",
        "id": id,
        "from": sender,
        "to": recipient,
        "seq": seq,
        "ts": ts,
        "ct_hash": crypto.digest(ciphertext),
    }
    return {**keys.sign(head), "ct": base64.b64encode(ciphertext).decode()}


def sign(keys: KeyPair, kind: str, **fields: Any) -> dict[str, Any]:
    """A signed document of `kind` (receipt, ack, ping, pong, receipt_query, tree_head)."""
    return keys.sign({"v": VERSION, "type": kind, **fields})


# The sealed content -------------------------------------------------------------------------

PRIORITIES = ("routine", "urgent")
MAX_SUBJECT = 200
MAX_BODY = 64 * 1024


def text(limit: int) -> Check:
    def check(value: object, field: str) -> str:
        if isinstance(value, str) and len(value.encode()) <= limit:
            return value
        raise malformed(f"{field} must be text of at most {limit} bytes")

    return check


def priority(value: object, field: str) -> str:
    if value in PRIORITIES:
        return str(value)
    raise malformed(f"{field} must be one of {', '.join(PRIORITIES)}")


CONTENT: dict[str, Check] = {
    "id": MESSAGE_ID,
    "from": name,
    "to": name,
    "subject": text(MAX_SUBJECT),
    "body": text(MAX_BODY),
    "priority": priority,
    "in_reply_to": optional(MESSAGE_ID),
    "respond_by": optional(MILLIS),
    "created": MILLIS,
}


def content(**fields: Any) -> bytes:
    """The plaintext of a message, validated as the receiver will validate it."""
    check_content(fields)
    return crypto.canonical(fields)


def check_content(value: object) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != set(CONTENT):
        raise malformed(f"message content must have exactly the fields {sorted(CONTENT)}")
    return {f: check(value[f], f) for f, check in CONTENT.items()}
