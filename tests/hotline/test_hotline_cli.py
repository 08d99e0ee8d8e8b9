"""`cyberdiplomacy hotline …` as people and scripts use it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
from hotline_nodes import (
    CONSOLE_SCRIPT,
    Clock,
    Network,
    Node,
    Server,
    befriend,
    make_node,
    wait_until,
)
from typer.testing import CliRunner, Result

from cyberdiplomacy.cli.main import app
from cyberdiplomacy.hotline import identity
from cyberdiplomacy.hotline.ping import ping
from cyberdiplomacy.hotline.receiver import Receiver


def hotline(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["hotline", *(str(a) for a in args)])


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert fragment in result.stderr, result.stderr


def status_of(root: Path, message_id: str) -> str:
    return str(
        next(
            m for m in json_of(hotline("outbox", "--dir", root, "--json")) if m["id"] == message_id
        )["status"]
    )


def test_two_nodes_exchange_a_message_receipt_read_ack_and_reply(
    tmp_path: Path, servers: list[Server]
) -> None:
    nodes = {}
    for name in ("EST-CERT", "FIN-NCSC"):
        port = make_node(tmp_path / "probe", name).port
        root = tmp_path / name
        init = hotline(
            "init",
            "--dir",
            root,
            "--name",
            name,
            "--endpoint",
            f"http://127.0.0.1:{port}",
            "--json",
        )
        assert len(json_of(init)["fingerprint"]) == 49
        (tmp_path / f"{name}.card.json").write_text(hotline("card", "--dir", root).stdout)
        nodes[name] = Node(root, name, port)
    a, b = nodes["EST-CERT"], nodes["FIN-NCSC"]
    added = hotline(
        "peer", "add", "--dir", a.root, tmp_path / "FIN-NCSC.card.json", "--yes", "--json"
    )
    assert json_of(added)["result"] == "new"
    assert "Fingerprint: " in added.stderr
    hotline("peer", "add", "--dir", b.root, tmp_path / "EST-CERT.card.json", "--yes")
    assert [p["name"] for p in json_of(hotline("peer", "list", "--dir", a.root, "--json"))] == [
        "FIN-NCSC"
    ]

    servers += [
        Server(a, command=CONSOLE_SCRIPT).start(),
        Server(b, command=CONSOLE_SCRIPT).start(),
    ]
    sent = json_of(
        hotline(
            "send",
            "--dir",
            a.root,
            "--to",
            "FIN-NCSC",
            "--subject",
            "Incident 42",
            "--body",
            "Scanning from your AS",
            "--priority",
            "urgent",
            "--respond-within",
            "2h",
            "--json",
        )
    )
    wait_until(lambda: status_of(a.root, sent["id"]) == "delivered")
    (received,) = json_of(hotline("inbox", "--dir", b.root, "--json"))
    assert (received["id"], received["subject"], received["priority"], received["status"]) == (
        sent["id"],
        "Incident 42",
        "urgent",
        "new",
    )
    assert received["respond_by"] is not None
    assert hotline("ack", "--dir", b.root, sent["id"][:8]).exit_code == 0
    wait_until(lambda: status_of(a.root, sent["id"]) == "read")
    reply = hotline("reply", "--dir", b.root, sent["id"], "--body", "Blocked, thank you")
    wait_until(lambda: status_of(a.root, sent["id"]) == "answered")
    (answer,) = json_of(hotline("inbox", "--dir", a.root, "--json"))
    assert (answer["id"], answer["in_reply_to"], answer["subject"]) == (
        reply.stdout.strip(),
        sent["id"],
        "Re: Incident 42",
    )
    (pinged,) = json_of(hotline("ping", "--dir", a.root, "--json"))
    assert pinged["outcome"] == "reachable" and pinged["rtt_ms"] > 0
    for node in (a, b):
        assert json_of(hotline("log", "verify", "--dir", node.root, "--json"))["consistent"]


def test_errors_are_one_line_messages(tmp_path: Path) -> None:
    a = make_node(tmp_path, "EST-CERT")
    assert_one_line_error(
        hotline("send", "--dir", a.root, "--to", "NOBODY", "--subject", "s", "--body", "b"),
        "No peer 'NOBODY'",
    )
    assert_one_line_error(hotline("init", "--dir", a.root, "--name", "EST-CERT"), "already holds")
    assert_one_line_error(hotline("inbox", "--dir", tmp_path / "empty"), "hotline init")
    assert_one_line_error(hotline("ack", "--dir", a.root, "ab" * 16), "No message")
    assert_one_line_error(
        hotline("init", "--dir", tmp_path / "x", "--name", " padded"), "Invalid --name"
    )
    card = dict(a.identity.card, name="FORGED")
    (tmp_path / "forged.json").write_text(json.dumps(card))
    assert_one_line_error(
        hotline("peer", "add", "--dir", a.root, tmp_path / "forged.json", "--yes"),
        "Contact card refused",
    )
    (tmp_path / "empty.txt").write_text("")
    locked = hotline(
        "init", "--dir", tmp_path / "y", "--name", "Y", "--passphrase-file", tmp_path / "empty.txt"
    )
    assert_one_line_error(locked, "holds no passphrase")
    b = make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    late = hotline(
        "send",
        "--dir",
        a.root,
        "--to",
        "FIN-NCSC",
        "--subject",
        "s",
        "--body",
        "b",
        "--respond-within",
        "soon",
    )
    assert_one_line_error(late, "--respond-within")


def test_an_unanswered_message_turns_overdue_and_is_flagged_once(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    sent = json_of(
        hotline(
            "send",
            "--dir",
            a.root,
            "--to",
            "FIN-NCSC",
            "--subject",
            "s",
            "--body",
            "b",
            "--respond-within",
            "1s",
            "--json",
        )
    )
    assert status_of(a.root, sent["id"]) == "queued"
    time.sleep(1.1)
    assert status_of(a.root, sent["id"]) == "overdue"
    assert status_of(a.root, sent["id"]) == "overdue"
    store = a.store()
    events = [json.loads(e)["event"] for (e,) in store.conn.execute("SELECT entry FROM audit")]
    store.close()
    assert events.count("overdue") == 1


def test_ping_reports_reachable_unreachable_and_key_mismatch(tmp_path: Path) -> None:
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    clock = Clock()
    store = a.store(signed=True)
    receiver_store = b.store(signed=True)
    network = Network(Receiver(receiver_store, b.name, b.keys()))
    client = httpx.Client(transport=network.transport(clock))
    peer = store.require_peer("FIN-NCSC")
    assert ping(store, a.name, a.keys(), peer, client).outcome == "reachable"
    network.up = False
    assert ping(store, a.name, a.keys(), peer, client).outcome == "unreachable"
    network.up = True
    network.receiver.keys = identity.rotate(b.identity)  # b answers with keys a does not trust
    mismatch = ping(store, a.name, a.keys(), peer, client)
    assert (mismatch.outcome, mismatch.detail) == ("key_mismatch", "not signed by the trusted key")
    outcomes = [r[0] for r in store.conn.execute("SELECT outcome FROM pings ORDER BY rowid")]
    assert outcomes == ["reachable", "unreachable", "key_mismatch"]
    client.close()
    store.close()
    receiver_store.close()
