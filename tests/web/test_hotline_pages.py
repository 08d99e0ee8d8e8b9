"""The Hotline pages over a real node directory: what they show, what their forms queue, and
what they refuse. Messages arrive through the store's own calls; pings go over real HTTP."""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from cyberdiplomacy.accounts import service
from cyberdiplomacy.cli.main import app as cli_app
from cyberdiplomacy.config import Settings
from cyberdiplomacy.hotline import desk, directory, identity
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade
from cyberdiplomacy.web.app import create_app

ORIGIN = {"Origin": "http://testserver"}
POC, ANALYST, PASSWORD = "duty-officer", "analyst", "a-long-test-password"
A, B, C = "EST-CERT", "FIN-NCSC", "LVA-CERT"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An empty, migrated knowledge base: the Hotline pages do not read it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        for username, poc in ((POC, True), (ANALYST, False)):
            service.add_user(
                session,
                username,
                organisation_slug="est-cert",
                role=Role.ANALYST,
                password=PASSWORD,
                poc=poc,
            )
    yield engine
    engine.dispose()


def make_node(root: Path, name: str, passphrase: str | None = None) -> identity.Identity:
    """A node whose endpoint is a loopback port nobody listens on."""
    node = identity.create(root / name, name, f"http://127.0.0.1:{free_port()}", passphrase)
    Store(node.store_path).close()
    return node


def trust(node: identity.Identity, *others: identity.Identity) -> None:
    with desk.opened(node.directory) as (_, store):
        for other in others:
            store.add_peer(directory.parse_card(other.card))


def receive(node: identity.Identity, sender: str, subject: str, **fields: Any) -> str:
    """Put a message from `sender` into the node's inbox, as its receiver would."""
    message_id = uuid.uuid4().hex
    message = {
        "id": message_id,
        "from": sender,
        "to": node.name,
        "subject": subject,
        "body": fields.get("body", "Please confirm receipt.\nSecond line."),
        "priority": fields.get("priority", "routine"),
        "in_reply_to": None,
        "respond_by": fields.get("respond_by"),
        "created": int(time.time() * 1000),
    }
    with desk.opened(node.directory) as (_, store):
        seq = store.high_water(sender) + 1
        store.accept(message, seq, message["created"], {"id": message_id, "seq": seq})
    return message_id


@pytest.fixture
def nodes(tmp_path: Path) -> dict[str, identity.Identity]:
    """EST-CERT (the workbench's node) trusting FIN-NCSC and LVA-CERT, and trusted by them."""
    made = {name: make_node(tmp_path, name) for name in (A, B, C)}
    trust(made[A], made[B], made[C])
    trust(made[B], made[A])
    return made


def sign_in(client: TestClient, username: str = POC) -> TestClient:
    """Sign `client` in; its later writes carry the session's CSRF token as a header."""
    client.headers.pop("X-CSRF-Token", None)
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    fields = {"username": username, "password": PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=fields).status_code == 303
    account = client.get("/account")
    token = re.search(r'name="csrf" value="([^"]+)"', account.text)
    assert token
    client.headers["X-CSRF-Token"] = token.group(1)
    return client


@contextmanager
def client_for(kb: Engine, root: Path | None, **settings: Any) -> Iterator[TestClient]:
    """A client of a workbench pointed at `root`, signed in as a point of contact."""
    config = Settings(
        database_url=str(kb.url), hotline_dir=root, allowed_hosts=("testserver",), **settings
    )
    app = create_app(config, kb)
    with TestClient(app, headers={"Accept": "text/html"}, follow_redirects=False) as client:
        yield sign_in(client)


@pytest.fixture
def client(kb: Engine, nodes: dict[str, identity.Identity]) -> Iterator[TestClient]:
    with client_for(kb, nodes[A].directory) as client:
        yield client


def outbox(node: identity.Identity) -> list[Any]:
    with desk.opened(node.directory) as (_, store):
        return store.outbox()


def inbox(node: identity.Identity) -> list[Any]:
    with desk.opened(node.directory) as (_, store):
        return store.inbox()


def compose(client: TestClient, **fields: str) -> Any:
    form = {"to": B, "subject": "DDoS on government portals", "body": "Can you help?"}
    form.update(priority="routine", respond_within="")
    return client.post("/hotline/compose", data={**form, **fields}, headers=ORIGIN)


# Without a node ----------------------------------------------------------------------------


def test_hotline_without_a_node_explains_how_to_set_one_up(kb: Engine) -> None:
    with client_for(kb, None) as client:
        for path in ("/hotline", "/hotline/compose", "/hotline/peers", "/hotline/pings"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "not connected to a hotline node" in page.text
            for command in ("hotline init", "hotline card", "hotline peer add", "hotline serve"):
                assert command in page.text
            assert "serve --hotline" in page.text
            assert 'aria-current="page">Hotline' in page.text


def test_hotline_pointed_at_a_directory_without_a_node_says_so(kb: Engine, tmp_path: Path) -> None:
    with client_for(kb, tmp_path / "nowhere") as client:
        page = client.get("/hotline")
        posted = compose(client)
    assert page.status_code == 200
    assert "No hotline node in" in page.text and str(tmp_path / "nowhere") in page.text
    assert posted.status_code == 409 and "hotline init" in posted.text


def test_api_without_a_node_answers_409_problem_json(kb: Engine) -> None:
    with client_for(kb, None) as client:
        answer = client.get("/api/v1/hotline/outbox", headers={"Accept": "application/json"})
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert "serve --hotline" in answer.json()["detail"]


def test_settings_read_the_hotline_directory_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CYBERDIPLOMACY_HOTLINE_DIR", str(tmp_path / "node"))
    monkeypatch.setenv("CYBERDIPLOMACY_HOTLINE_PASSPHRASE_FILE", "")
    settings = Settings.load()
    assert settings.hotline_dir == tmp_path / "node"
    assert settings.hotline_passphrase_file is None


def test_serve_hotline_points_the_workbench_at_the_node(
    monkeypatch: pytest.MonkeyPatch, kb: Engine, nodes: dict[str, identity.Identity]
) -> None:
    served: list[Any] = []
    monkeypatch.setenv("CYBERDIPLOMACY_DATABASE_URL", str(kb.url))
    monkeypatch.setattr("cyberdiplomacy.cli.serve.uvicorn.run", lambda app, **_: served.append(app))
    result = CliRunner().invoke(cli_app, ["serve", "--hotline", str(nodes[A].directory)])
    assert result.exit_code == 0, result.output
    assert served[0].state.settings.hotline_dir == nodes[A].directory
    with TestClient(served[0], follow_redirects=False) as client:
        assert A in sign_in(client).get("/hotline").text


# Who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/hotline", "/hotline/compose", "/api/v1/hotline/inbox", "/api/v1/hotline/outbox"]
)
def test_only_a_signed_in_point_of_contact_may_read_the_hotline(
    kb: Engine, nodes: dict[str, identity.Identity], path: str
) -> None:
    receive(nodes[A], B, "Secret body inside")
    with client_for(kb, nodes[A].directory) as poc:
        assert poc.get(path).status_code == 200
        poc.cookies.clear()
        assert poc.get(path).status_code == 401
        sign_in(poc, ANALYST)
        refused = poc.get(path)
        assert refused.status_code == 403 and "Secret body" not in refused.text


def test_a_point_of_contacts_post_without_the_form_token_is_refused(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Question")
    del client.headers["X-CSRF-Token"]
    for forged in ({}, {"csrf": "forged"}):
        answer = client.post(f"/hotline/messages/{message_id}/ack", data=forged, headers=ORIGIN)
        assert answer.status_code == 403
    assert inbox(nodes[A])[0].status == "new"


def test_anonymous_hotline_writes_are_401_and_change_nothing(
    kb: Engine, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Question")
    config = Settings(
        database_url=str(kb.url), hotline_dir=nodes[A].directory, allowed_hosts=("testserver",)
    )
    with TestClient(create_app(config, kb), follow_redirects=False) as anonymous:
        answers = [
            anonymous.post("/hotline/compose", data={"to": B}, headers=ORIGIN),
            anonymous.post(f"/hotline/messages/{message_id}/ack", headers=ORIGIN),
            anonymous.post("/hotline/pings", data={"peer": ""}, headers=ORIGIN),
        ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert outbox(nodes[A]) == [] and inbox(nodes[A])[0].status == "new"


# Inbox and outbox ----------------------------------------------------------------------------


def test_index_lists_inbox_and_outbox_newest_first_with_statuses(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    receive(nodes[A], B, "First from Helsinki")
    late = int(time.time() * 1000) - 60_000
    receive(nodes[A], C, "Urgent from Riga", priority="urgent", respond_by=late)
    with desk.opened(nodes[A].directory) as (node, store):
        store.queue(node.name, B, "Older question", "?")
        store.queue(node.name, C, "Overdue question", "?", respond_within_ms=1)
    time.sleep(0.01)
    page = client.get("/hotline")
    assert page.status_code == 200
    text = page.text
    assert text.index("Urgent from Riga") < text.index("First from Helsinki")
    assert text.index("Overdue question") < text.index("Older question")
    assert 'class="badge badge-new"' in text
    assert 'class="badge badge-queued"' in text and 'class="badge badge-overdue"' in text
    assert 'class="priority priority-urgent"' in text
    # The received message's deadline passed unanswered a minute ago (and the seconds this took).
    assert re.search(r"overdue · 1 min( \d+ s)? late", text)
    assert ">Unread messages</dt><dd>2<" in text


def test_message_page_shows_the_text_with_acknowledge_and_reply_forms(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Request <b>help</b>", body="Line one\n<script>x</script>")
    page = client.get(f"/hotline/messages/{message_id}")
    assert page.status_code == 200
    assert "Request &lt;b&gt;help&lt;/b&gt;" in page.text
    assert "Line one\n&lt;script&gt;x&lt;/script&gt;" in page.text
    assert f'action="/hotline/messages/{message_id}/ack"' in page.text
    assert f'action="/hotline/messages/{message_id}/reply"' in page.text
    assert 'class="badge badge-new"' in page.text


def test_acknowledge_marks_the_message_read_and_queues_the_read_ack(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Please acknowledge")
    posted = client.post(f"/hotline/messages/{message_id}/ack", headers=ORIGIN)
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/hotline/messages/{message_id}?done=acknowledged"
    assert inbox(nodes[A])[0].status == "read"
    with desk.opened(nodes[A].directory) as (_, store):
        assert store.pending_acks(B, 10)[0][0] == message_id
    page = client.get(posted.headers["location"])
    assert "signed read acknowledgement" in page.text and 'badge-read"' in page.text
    assert f'action="/hotline/messages/{message_id}/ack"' not in page.text


def test_reply_queues_an_answer_and_marks_the_message_answered(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Question")
    posted = client.post(
        f"/hotline/messages/{message_id[:10]}/reply", data={"body": "Yes."}, headers=ORIGIN
    )
    assert posted.status_code == 303
    [sent] = outbox(nodes[A])
    assert posted.headers["location"] == f"/hotline?sent={sent.id}"
    assert (sent.peer, sent.subject) == (B, "Re: Question")
    assert inbox(nodes[A])[0].status == "answered"
    page = client.get(posted.headers["location"])
    assert f'Message <span class="code message-id">{sent.id}</span>' in page.text


def test_reply_without_text_is_refused_and_queues_nothing(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    message_id = receive(nodes[A], B, "Question")
    posted = client.post(
        f"/hotline/messages/{message_id}/reply", data={"body": "  "}, headers=ORIGIN
    )
    assert posted.status_code == 400
    assert 'field <strong class="code">body</strong>: write the message' in posted.text
    assert outbox(nodes[A]) == [] and inbox(nodes[A])[0].status == "new"


@pytest.mark.parametrize("message_id", ["0" * 32, "not-an-id", "abc"])
def test_unknown_message_id_is_a_404_page(client: TestClient, message_id: str) -> None:
    page = client.get(f"/hotline/messages/{message_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "No message" in page.text and "Traceback" not in page.text
    assert client.post(f"/hotline/messages/{message_id}/ack", headers=ORIGIN).status_code == 404


# Compose ---------------------------------------------------------------------------------------


def test_compose_form_offers_the_trusted_peers(client: TestClient) -> None:
    page = client.get("/hotline/compose?to=LVA-CERT")
    assert page.status_code == 200
    assert f'<option value="{B}">' in page.text
    assert f'<option value="{C}" selected>' in page.text
    assert 'name="respond_within"' in page.text and 'value="urgent"' in page.text


def test_compose_queues_exactly_one_message_and_shows_it_in_the_outbox(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    posted = compose(client, priority="urgent", respond_within="2h", body="Line 1\r\nLine 2")
    assert posted.status_code == 303
    [sent] = outbox(nodes[A])
    assert posted.headers["location"] == f"/hotline?sent={sent.id}"
    assert (sent.peer, sent.priority, sent.status) == (B, "urgent", "queued")
    assert sent.respond_by is not None
    assert 7_199_000 < sent.respond_by - sent.queued_at <= 7_200_000
    page = client.get(posted.headers["location"])
    assert sent.id in page.text and "is queued" in page.text


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"to": ""}, "to", "choose a peer"),
        ({"to": "RUS-CERT"}, "to", "is not a trusted peer"),
        ({"subject": " "}, "subject", "write a subject"),
        ({"subject": "x" * 201}, "subject", "at most 200 bytes"),
        ({"body": ""}, "body", "write the message"),
        ({"priority": "flash"}, "priority", "use routine or urgent"),
        ({"respond_within": "soon"}, "respond_within", "not a duration like 2h"),
        ({"respond_within": "0m"}, "respond_within", "between one second and a year"),
    ],
)
def test_compose_with_invalid_input_is_400_names_the_field_and_queues_nothing(
    client: TestClient,
    nodes: dict[str, identity.Identity],
    fields: dict[str, str],
    field: str,
    reason: str,
) -> None:
    posted = compose(client, **fields)
    assert posted.status_code == 400
    assert f'field <strong class="code">{field}</strong>' in posted.text
    assert reason in posted.text
    assert f'id="{field}-error"' in posted.text
    assert outbox(nodes[A]) == []


def test_compose_keeps_what_was_typed_when_refused(client: TestClient) -> None:
    posted = compose(client, subject="", body="Keep <this> text")
    assert posted.status_code == 400
    assert "Keep &lt;this&gt; text</textarea>" in posted.text
    assert f'<option value="{B}" selected>' in posted.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/hotline/compose"},
        {},
    ],
    ids=["foreign-origin", "null-origin", "foreign-referer", "no-origin"],
)
def test_cross_site_posts_are_refused_and_change_nothing(
    client: TestClient, nodes: dict[str, identity.Identity], headers: dict[str, str]
) -> None:
    message_id = receive(nodes[A], B, "Question")
    form = {"to": B, "subject": "s", "body": "b", "priority": "routine"}
    answers = [
        client.post("/hotline/compose", data=form, headers=headers),
        client.post(f"/hotline/messages/{message_id}/ack", headers=headers),
        client.post(f"/hotline/messages/{message_id}/reply", data={"body": "x"}, headers=headers),
        client.post("/hotline/pings", data={"peer": ""}, headers=headers),
    ]
    for answer in answers:
        assert answer.status_code == 403
        assert "Cross-site request refused" in answer.text
    assert outbox(nodes[A]) == [] and inbox(nodes[A])[0].status == "new"
    with desk.opened(nodes[A].directory) as (_, store):
        assert store.ping_history() == []


def test_a_same_site_referer_is_enough_without_origin(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    form = {"to": B, "subject": "s", "body": "b", "priority": "routine"}
    headers = {"Referer": "http://testserver/hotline/compose"}
    assert client.post("/hotline/compose", data=form, headers=headers).status_code == 303
    assert len(outbox(nodes[A])) == 1


# Peers and pings -------------------------------------------------------------------------------


def test_peers_page_shows_fingerprints_key_rotation_and_last_ping(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    identity.rotate(nodes[C])
    with desk.opened(nodes[A].directory) as (_, store):
        assert store.add_peer(directory.parse_card(nodes[C].card)) == "rotated"
        store.record_ping(B, "reachable", 12.3, "log of 4 entries")
    page = client.get("/hotline/peers")
    assert page.status_code == 200
    fingerprint_b = directory.parse_card(nodes[B].card).fingerprint
    assert f'<span class="fingerprint">{fingerprint_b}</span>' in page.text
    assert len(fingerprint_b.split(" ")) == 10  # read out in groups of four
    assert desk.fingerprint(nodes[A]) in page.text
    assert "Rotated, last" in page.text and "Original key" in page.text
    assert "outcome-reachable" in page.text and "12 ms" in page.text
    assert "Never pinged" in page.text


def test_pings_page_reports_each_outcome_and_the_history(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    with desk.opened(nodes[A].directory) as (_, store):
        store.record_ping(B, "unreachable", None, "ConnectError")
        store.record_ping(B, "reachable", 8.25, "log of 3 entries")
        store.record_ping(C, "key_mismatch", 4.0, "not signed by the trusted key")
    page = client.get("/hotline/pings")
    assert page.status_code == 200
    report = page.text[page.text.index('id="ping-report"') : page.text.index("Recent pings")]
    assert "8.2 ms" in report and "outcome-reachable" in report
    assert "Key mismatch" in report and "ConnectError" not in report
    assert "ConnectError" in page.text  # still in the history
    assert 'action="/hotline/pings"' in page.text and "Run ping test" in page.text


def test_run_ping_test_pings_the_peers_and_records_them_unreachable(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    posted = client.post("/hotline/pings", data={"peer": ""}, headers=ORIGIN)
    assert posted.status_code == 303 and posted.headers["location"] == "/hotline/pings?ran=2"
    page = client.get(posted.headers["location"])
    assert "Pinged 2 peers" in page.text
    assert page.text.count("outcome-unreachable") >= 2
    one = client.post("/hotline/pings", data={"peer": B}, headers=ORIGIN)
    assert one.headers["location"] == "/hotline/pings?ran=1"


def test_ping_test_with_locked_keys_says_how_to_unlock_them(
    kb: Engine, tmp_path: Path, nodes: dict[str, identity.Identity]
) -> None:
    locked = make_node(tmp_path / "locked", "SWE-CERT", passphrase="correct horse")
    trust(locked, nodes[B])
    with client_for(kb, locked.directory) as client:
        page = client.get("/hotline/pings")
        posted = client.post("/hotline/pings", data={"peer": ""}, headers=ORIGIN)
    assert "keys are passphrase-protected" in page.text
    assert posted.status_code == 403
    assert "Cannot unlock the node&#39;s private keys" in posted.text
    assert "CYBERDIPLOMACY_HOTLINE_PASSPHRASE_FILE" in posted.text
    assert "--passphrase-file" in posted.text and "Traceback" not in posted.text


def test_ping_test_unlocks_the_keys_with_the_configured_passphrase_file(
    kb: Engine, tmp_path: Path, nodes: dict[str, identity.Identity]
) -> None:
    locked = make_node(tmp_path / "locked", "SWE-CERT", passphrase="correct horse")
    trust(locked, nodes[B])
    secret = tmp_path / "passphrase"
    secret.write_text("correct horse\n", encoding="utf-8")
    with client_for(kb, locked.directory, hotline_passphrase_file=secret) as client:
        assert "passphrase-protected" not in client.get("/hotline/pings").text
        posted = client.post("/hotline/pings", data={"peer": B}, headers=ORIGIN)
    assert posted.status_code == 303
    with desk.opened(locked.directory) as (_, store):
        assert [p.outcome for p in store.ping_history()] == ["unreachable"]


# JSON API --------------------------------------------------------------------------------------


def test_api_lists_inbox_outbox_peers_and_pings(
    client: TestClient, nodes: dict[str, identity.Identity]
) -> None:
    receive(nodes[A], B, "Hello")
    compose(client)
    with desk.opened(nodes[A].directory) as (_, store):
        store.record_ping(B, "reachable", 3.5, "log of 1 entries")
    json_headers = {"Accept": "application/json"}
    got = {
        name: client.get(f"/api/v1/hotline/{name}", headers=json_headers).json()
        for name in ("inbox", "outbox", "peers", "pings")
    }
    assert got["inbox"][0]["subject"] == "Hello" and got["inbox"][0]["status"] == "new"
    assert got["outbox"][0]["status"] == "queued"
    assert [p["peer"]["name"] for p in got["peers"]] == [B, C]
    assert got["peers"][0]["last_ping"]["outcome"] == "reachable"
    assert got["pings"][0]["rtt_ms"] == 3.5
    json.dumps(got)  # plain JSON all the way down
