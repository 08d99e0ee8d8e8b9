"""A node's directory: who it is (public), its keys (private, 0600) and its signed card.

    DIR/node.json    name, endpoint and creation time (public)
    DIR/keys.json    current and retired key pairs, mode 0600, optionally passphrase-locked
    DIR/card.json    the current self-signed contact card, ready to hand to peers
    DIR/hotline.db   the store (see store.py)

Keys never leave the directory and no central server ever sees them: the hotline is federated.
Files are replaced atomically (write, fsync, rename) so a crash cannot leave half a key file.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cyberdiplomacy.errors import InvalidQuery, KeyLocked, NodeExists, NodeNotInitialised, Rejected
from cyberdiplomacy.hotline import crypto, directory, envelope
from cyberdiplomacy.hotline.crypto import KeyPair, Keyring

NODE_FILE = "node.json"
KEYS_FILE = "keys.json"
CARD_FILE = "card.json"
STORE_FILE = "hotline.db"


@dataclass(frozen=True)
class Identity:
    """The public facts about this node; private keys are loaded separately by `keyring`."""

    directory: Path
    name: str
    endpoint: str
    signing_keys: tuple[str, ...]

    @property
    def store_path(self) -> Path:
        return self.directory / STORE_FILE

    @property
    def card(self) -> dict[str, Any]:
        return json.loads((self.directory / CARD_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write(path: Path, data: dict[str, Any], mode: int = 0o644) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, json.dumps(data, indent=2).encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _save_keyring(root: Path, keys: Keyring, passphrase: str | None) -> None:
    secrets = {
        "current": keys.current.secrets(),
        "retired": [pair.secrets() for pair in keys.retired],
    }
    stored = {"locked": crypto.lock(secrets, passphrase)} if passphrase else {"plain": secrets}
    _write(root / KEYS_FILE, stored, 0o600)


def create(root: Path, name: str, endpoint: str, passphrase: str | None = None) -> Identity:
    """A new identity with fresh keys; refuses to overwrite one (peers trust those keys)."""
    try:
        envelope.name(name, "the name")
    except Rejected as exc:
        raise InvalidQuery("--name", exc.reason) from exc
    if not endpoint.startswith(("http://", "https://")):
        raise InvalidQuery("--endpoint", "use an http:// or https:// URL")
    if (root / NODE_FILE).exists():
        raise NodeExists(str(root))
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    keys = Keyring(KeyPair.generate())
    _save_keyring(root, keys, passphrase)
    now = int(time.time() * 1000)
    _write(root / CARD_FILE, directory.make_card(name, endpoint, keys.current, now))
    identity = Identity(root, name, endpoint, (keys.current.signing_key,))
    _save_node(identity, now)
    return identity


def _save_node(identity: Identity, created: int) -> None:
    """The public facts, with every signing key the node ever used (to check old tree heads)."""
    node = {
        "name": identity.name,
        "endpoint": identity.endpoint,
        "created": created,
        "signing_keys": list(identity.signing_keys),
    }
    _write(identity.directory / NODE_FILE, node)


def _node(root: Path) -> dict[str, Any]:
    try:
        return json.loads((root / NODE_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError as exc:
        raise NodeNotInitialised(str(root)) from exc


def load(root: Path) -> Identity:
    """The identity in `root`, or NodeNotInitialised."""
    node = _node(root)
    return Identity(root, node["name"], node["endpoint"], tuple(node["signing_keys"]))


def keyring(identity: Identity, passphrase: str | None = None) -> Keyring:
    """The private keys, unlocked with the passphrase when they are protected."""
    path = identity.directory / KEYS_FILE
    if path.stat().st_mode & 0o077:
        raise KeyLocked(f"{path} is readable by others; run `chmod 600 {path}`")
    stored = json.loads(path.read_text(encoding="utf-8"))
    secrets = crypto.unlock(stored["locked"], passphrase) if "locked" in stored else stored["plain"]
    return Keyring(
        KeyPair.from_secrets(secrets["current"]),
        tuple(KeyPair.from_secrets(s) for s in secrets["retired"]),
    )


def rotate(identity: Identity, passphrase: str | None = None) -> Keyring:
    """New keys, with a card whose new key is signed by the old one so peers can follow.

    The old pair is kept (retired) to open mail already sealed to it; peers revoke its
    signing key when they accept the rotated card.
    """
    old = keyring(identity, passphrase)
    new = Keyring(KeyPair.generate(), (old.current, *old.retired))
    now = int(time.time() * 1000)
    card = directory.make_card(identity.name, identity.endpoint, new.current, now, old.current)
    _save_keyring(identity.directory, new, passphrase)
    keys = (*identity.signing_keys, new.current.signing_key)
    created = _node(identity.directory)["created"]
    _save_node(Identity(identity.directory, identity.name, identity.endpoint, keys), created)
    _write(identity.directory / CARD_FILE, card)
    return new
