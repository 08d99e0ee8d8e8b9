"""Signing, encryption and hashing for the hotline, every primitive from libsodium (PyNaCl).

This module decides only *what* is signed and sealed, never *how*: Ed25519 signatures over the
canonical JSON of a document (so two nodes written in different languages sign the same bytes),
X25519 sealed boxes to the recipient's encryption key, SHA-256 for hashes and fingerprints, and
Argon2id + SecretBox to protect private keys at rest.

A sealed box alone is anonymous, so every envelope is also signed by its sender; the plaintext
repeats sender, recipient and message id so a ciphertext lifted into someone else's signed
envelope is refused ("surreptitious forwarding").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.hash
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.encoding import HexEncoder, RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from cyberdiplomacy.errors import KeyLocked

SIGNATURE = "sig"


def canonical(document: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256(data: bytes) -> bytes:
    """Raw SHA-256 (libsodium's crypto_hash_sha256)."""
    return nacl.hash.sha256(data, encoder=RawEncoder)


def digest(data: bytes) -> str:
    """Hex SHA-256, the form hashes take inside signed documents."""
    return sha256(data).hex()


def fingerprint(signing_key: str, encryption_key: str) -> str:
    """What people compare out of band: SHA-256 of both public keys, in groups of four."""
    raw = digest(bytes.fromhex(signing_key) + bytes.fromhex(encryption_key))[:40].upper()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def unsigned(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its signature: the part the signature covers."""
    return {k: v for k, v in document.items() if k != SIGNATURE}


def verify(signing_key: str, document: Mapping[str, Any]) -> bool:
    """Whether `document["sig"]` is the holder of `signing_key`'s signature over the rest."""
    signature = document.get(SIGNATURE)
    if not isinstance(signature, str):
        return False
    try:
        VerifyKey(bytes.fromhex(signing_key)).verify(
            canonical(unsigned(document)), bytes.fromhex(signature)
        )
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True


def seal(encryption_key: str, plaintext: bytes) -> bytes:
    """Encrypt to a recipient's X25519 key; only the recipient can open it."""
    return SealedBox(PublicKey(bytes.fromhex(encryption_key))).encrypt(plaintext)


@dataclass(frozen=True)
class KeyPair:
    """One generation of a node's keys: Ed25519 for signing, X25519 for encryption."""

    signing: SigningKey
    encryption: PrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(SigningKey.generate(), PrivateKey.generate())

    @property
    def signing_key(self) -> str:
        return self.signing.verify_key.encode(HexEncoder).decode()

    @property
    def encryption_key(self) -> str:
        return self.encryption.public_key.encode(HexEncoder).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_key, self.encryption_key)

    def sign(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """The document with `key` (our signing key) and `sig` added."""
        body = {**unsigned(document), "key": self.signing_key}
        signature = self.signing.sign(canonical(body)).signature.hex()
        return {**body, SIGNATURE: signature}

    def secrets(self) -> dict[str, str]:
        return {
            "signing": self.signing.encode(HexEncoder).decode(),
            "encryption": self.encryption.encode(HexEncoder).decode(),
        }

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, str]) -> KeyPair:
        return cls(
            SigningKey(bytes.fromhex(secrets["signing"])),
            PrivateKey(bytes.fromhex(secrets["encryption"])),
        )


@dataclass(frozen=True)
class Keyring:
    """The current key pair and the retired ones still needed to open mail sealed to them."""

    current: KeyPair
    retired: Sequence[KeyPair] = ()

    def sign(self, document: Mapping[str, Any]) -> dict[str, Any]:
        return self.current.sign(document)

    def open(self, ciphertext: bytes) -> bytes | None:
        """Decrypt with the current key, then retired ones (mail queued before a rotation)."""
        for pair in (self.current, *self.retired):
            try:
                return SealedBox(pair.encryption).decrypt(ciphertext)
            except nacl.exceptions.CryptoError:
                continue
        return None

    def signing_keys(self) -> set[str]:
        """Every signing key this node ever used, to check its own old tree heads."""
        return {pair.signing_key for pair in (self.current, *self.retired)}


# Keys at rest ------------------------------------------------------------------------------

_KDF = nacl.pwhash.argon2id


def lock(secrets: Mapping[str, Any], passphrase: str) -> dict[str, Any]:
    """Encrypt secrets under a passphrase: Argon2id derives a SecretBox key."""
    salt = nacl.utils.random(_KDF.SALTBYTES)
    ops, mem = _KDF.OPSLIMIT_INTERACTIVE, _KDF.MEMLIMIT_INTERACTIVE
    key = _KDF.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode(), salt, ops, mem)
    box = nacl.secret.SecretBox(key).encrypt(json.dumps(secrets).encode())
    return {"kdf": "argon2id", "salt": salt.hex(), "ops": ops, "mem": mem, "box": box.hex()}


def unlock(locked: Mapping[str, Any], passphrase: str | None) -> Any:
    """The secrets `lock` protected; KeyLocked when the passphrase is missing or wrong."""
    if passphrase is None:
        raise KeyLocked("they are passphrase-protected; give --passphrase-file")
    try:
        key = _KDF.kdf(
            nacl.secret.SecretBox.KEY_SIZE,
            passphrase.encode(),
            bytes.fromhex(locked["salt"]),
            int(locked["ops"]),
            int(locked["mem"]),
        )
        return json.loads(nacl.secret.SecretBox(key).decrypt(bytes.fromhex(locked["box"])))
    except nacl.exceptions.CryptoError as exc:
        raise KeyLocked("wrong passphrase") from exc
