"""Keys at rest, contact cards, key rotation and revocation."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hotline_nodes import Node, befriend, envelope_for, make_node

from cyberdiplomacy.errors import InvalidCard, KeyLocked, NodeExists
from cyberdiplomacy.hotline import crypto, directory, identity
from cyberdiplomacy.hotline.receiver import Receiver


def test_private_keys_are_written_0600_and_refused_when_others_can_read_them(
    tmp_path: Path,
) -> None:
    node = make_node(tmp_path, "EST-CERT")
    keys_file = node.root / identity.KEYS_FILE
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    os.chmod(keys_file, 0o644)
    with pytest.raises(KeyLocked, match="readable by others"):
        node.keys()


def test_passphrase_protected_keys_need_the_right_passphrase(tmp_path: Path) -> None:
    created = identity.create(tmp_path / "n", "EST-CERT", "http://127.0.0.1:1", "correct horse")
    stored = json.loads((tmp_path / "n" / identity.KEYS_FILE).read_text())
    assert set(stored) == {"locked"} and "signing" not in json.dumps(stored)
    with pytest.raises(KeyLocked, match="passphrase-protected"):
        identity.keyring(created)
    with pytest.raises(KeyLocked, match="wrong passphrase"):
        identity.keyring(created, "battery staple")
    keys = identity.keyring(created, "correct horse")
    assert keys.current.signing_key == directory.parse_card(created.card).signing_key


def test_init_refuses_to_overwrite_an_identity(tmp_path: Path) -> None:
    node = make_node(tmp_path, "EST-CERT")
    with pytest.raises(NodeExists):
        identity.create(node.root, "EST-CERT", node.url)


def test_canonical_json_is_key_order_and_whitespace_independent() -> None:
    assert crypto.canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()
    assert crypto.canonical(json.loads('{ "a" : [1, "\\u00e9"], "b":1 }')) == crypto.canonical(
        {"b": 1, "a": [1, "é"]}
    )


def test_a_card_with_any_field_changed_is_refused(tmp_path: Path) -> None:
    card = make_node(tmp_path, "EST-CERT").identity.card
    assert directory.parse_card(card).name == "EST-CERT"
    for field, value in [
        ("name", "EST-CERT2"),
        ("endpoint", "http://evil.example"),
        ("encryption_key", "00" * 32),
        ("issued", 1),
    ]:
        with pytest.raises(InvalidCard):
            directory.parse_card({**card, field: value})


def rotate(node: Node) -> directory.Card:
    identity.rotate(node.identity)
    return node.card()


def test_a_rotation_signed_by_the_old_key_is_accepted_and_revokes_it(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    old = envelope_for(a, b, 1)  # signed before the rotation
    rotated = rotate(a)
    assert rotated.rotated_from == json.loads(json.dumps(old))["key"]
    store = b.store()
    assert store.add_peer(rotated) == "rotated"
    receiver = Receiver(store, b.name, b.keys())
    answer = receiver.handle("envelopes", json.dumps(old).encode())
    assert (answer.status, answer.body["error"]["code"]) == (403, "revoked_key")
    fresh = envelope_for(a, b, 1)
    assert receiver.handle("envelopes", json.dumps(fresh).encode()).status == 200
    store.close()


def test_a_new_key_without_a_hand_over_is_refused_unless_replaced_on_purpose(
    tmp_path: Path,
) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    impostor = make_node(tmp_path / "elsewhere", "EST-CERT")
    store = b.store()
    with pytest.raises(InvalidCard, match="not a rotation"):
        store.add_peer(impostor.card())
    assert store.add_peer(impostor.card(), replace=True) == "rotated"
    with pytest.raises(InvalidCard, match="revoked"):
        store.add_peer(a.card())
    store.close()


def test_mail_sealed_to_a_retired_key_can_still_be_opened(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    sealed = envelope_for(a, b, 1)  # sealed to b's current encryption key
    store = a.store()
    store.add_peer(rotate(b))
    store.close()
    receiver_store = b.store()
    receiver = Receiver(receiver_store, b.name, b.keys())
    assert receiver.handle("envelopes", json.dumps(sealed).encode()).status == 200
    receiver_store.close()
