"""The hotline: signed, encrypted, acknowledged messages between national points of contact.

Federated: every state or CERT runs its own node, and no central server holds anyone's keys.
From the wire inwards:

    node       the process: a small ASGI app under uvicorn, plus the delivery worker thread
    receiver   checks what arrives (shape, sender, key, signature, clock, replay, order), stores it
    worker     delivers the outbox and read acks: batches, backoff with jitter, never drops
    ping       signed reachability tests that also exchange audit tree heads, and prove
               (RFC 9162 consistency proofs) each peer's log only ever grew
    store      the node's SQLite file: peers, outbox, inbox, replay marks (WAL, synchronous=FULL)
    schema     its tables; records: what its queries return, and the derived statuses
    audit      the append-only Merkle log (RFC 9162 hashing and consistency proofs) and its
               signed tree heads
    directory  contact cards, key rotation and revocation
    envelope   the JSON documents on the wire and their strict parser
    crypto     what is signed and sealed, all through libsodium (PyNaCl)
    identity   the node's directory: public facts, private keys (0600, optionally locked), card
"""

from cyberdiplomacy.hotline.crypto import KeyPair, Keyring
from cyberdiplomacy.hotline.directory import Card, parse_card
from cyberdiplomacy.hotline.envelope import Envelope, parse_envelope
from cyberdiplomacy.hotline.receiver import Receiver
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.hotline.worker import Backoff, Worker

__all__ = [
    "Backoff",
    "Card",
    "Envelope",
    "KeyPair",
    "Keyring",
    "Receiver",
    "Store",
    "Worker",
    "parse_card",
    "parse_envelope",
]
