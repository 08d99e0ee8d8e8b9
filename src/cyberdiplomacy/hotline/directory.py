"""Contact cards: how nodes learn each other's keys, and how a key is replaced.

A card is self-signed (name, endpoint, encryption key, fingerprint, issue time), which proves the
holder of the signing key wrote it, not who that holder is: people compare the fingerprint out
of band (phone, diplomatic note) before `peer add`. After that, a card carrying a *different*
key is only accepted as a rotation — the new key signed by the currently trusted one — and the
old key is then revoked: anything signed with it later is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cyberdiplomacy.errors import InvalidCard, Rejected
from cyberdiplomacy.hotline import crypto
from cyberdiplomacy.hotline.crypto import KeyPair
from cyberdiplomacy.hotline.envelope import HASH, MILLIS, Check, hex_of, name, optional, parse, text


def _rotation(value: object, field: str) -> dict[str, str]:
    if isinstance(value, dict) and set(value) == {"key", "sig"}:
        return {"key": HASH(value["key"], "rotated_from.key"), "sig": hex_of(128)(value["sig"], "")}
    raise Rejected("malformed", f"{field} must be null or {{key, sig}}", 400)


CARD: dict[str, Check] = {
    "name": name,
    "endpoint": text(500),
    "encryption_key": HASH,
    "fingerprint": text(100),
    "issued": MILLIS,
    "rotated_from": optional(_rotation),
}


def _rotation_statement(card: Mapping[str, Any]) -> dict[str, Any]:
    """What the old key signs when handing over: the new keys and the moment."""
    return {
        "type": "rotation",
        "name": card["name"],
        "new_key": card["key"],
        "encryption_key": card["encryption_key"],
        "issued": card["issued"],
    }


def make_card(
    name: str, endpoint: str, keys: KeyPair, issued: int, previous: KeyPair | None = None
) -> dict[str, Any]:
    """A self-signed card; after a rotation, also signed over by the previous key."""
    card: dict[str, Any] = {
        "v": 1,
        "type": "card",
        "name": name,
        "endpoint": endpoint,
        "key": keys.signing_key,
        "encryption_key": keys.encryption_key,
        "fingerprint": keys.fingerprint,
        "issued": issued,
        "rotated_from": None,
    }
    if previous is not None:
        handover = previous.sign(_rotation_statement(card))
        card["rotated_from"] = {"key": handover["key"], "sig": handover["sig"]}
    return keys.sign(card)


@dataclass(frozen=True)
class Card:
    """A card whose signatures check out; whether to trust it is `admit`'s decision."""

    document: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.document["name"])

    @property
    def endpoint(self) -> str:
        return str(self.document["endpoint"])

    @property
    def signing_key(self) -> str:
        return str(self.document["key"])

    @property
    def encryption_key(self) -> str:
        return str(self.document["encryption_key"])

    @property
    def fingerprint(self) -> str:
        return str(self.document["fingerprint"])

    @property
    def issued(self) -> int:
        return int(self.document["issued"])

    @property
    def rotated_from(self) -> str | None:
        rotation = self.document["rotated_from"]
        return None if rotation is None else str(rotation["key"])


def parse_card(value: object) -> Card:
    """A card with a valid self-signature (and hand-over signature); InvalidCard otherwise."""
    try:
        document = parse(value, "card", CARD)
    except Rejected as exc:
        raise InvalidCard(exc.reason) from exc
    if not document["endpoint"].startswith(("http://", "https://")):
        raise InvalidCard("the endpoint must be an http:// or https:// URL")
    if document["fingerprint"] != crypto.fingerprint(document["key"], document["encryption_key"]):
        raise InvalidCard("the fingerprint does not match the keys")
    if not crypto.verify(document["key"], document):
        raise InvalidCard("the card's self-signature is invalid")
    rotation = document["rotated_from"]
    if rotation is not None:
        statement = {
            **_rotation_statement(document),
            "key": rotation["key"],
            "sig": rotation["sig"],
        }
        if not crypto.verify(rotation["key"], statement):
            raise InvalidCard("the hand-over signature by the previous key is invalid")
    return Card(document)


@dataclass(frozen=True)
class Trusted:
    """What this node already trusts about a peer."""

    signing_key: str
    issued: int
    revoked: frozenset[str]


Admission = Literal["new", "unchanged", "updated", "rotated"]


def admit(card: Card, trusted: Trusted | None, *, replace: bool = False) -> Admission:
    """Whether a card may replace what is trusted; InvalidCard explains a refusal.

    `replace` is for a peer that lost its keys: people agreed on the new fingerprint out of
    band, so the new key is taken without a hand-over and the old one revoked.
    """
    if trusted is None:
        return "new"
    if card.signing_key in trusted.revoked:
        raise InvalidCard(f"the key of {card.name!r} on this card was revoked by a rotation")
    if card.signing_key == trusted.signing_key:
        if card.issued < trusted.issued:
            raise InvalidCard("the card is older than the one already trusted")
        return "unchanged" if card.issued == trusted.issued else "updated"
    if card.rotated_from != trusted.signing_key and not replace:
        raise InvalidCard(
            f"{card.name!r} is trusted with another key and this card is not a rotation signed "
            "by it; check the new fingerprint out of band, then add it with --replace"
        )
    return "rotated"
