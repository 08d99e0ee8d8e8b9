"""`hotline …`: a federated, signed and encrypted hotline between national points of contact.

`python -m cyberdiplomacy.cli.hotline …` runs the same commands without the rest of the
workbench: a node restarted by its supervisor is up in well under a second. For that, the shared
output helpers (`cli.common`, which loads SQLAlchemy) are imported only when something is shown.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from cyberdiplomacy.errors import (
    AuditLogInconsistent,
    CyberDiplomacyError,
    InvalidCard,
    InvalidQuery,
)
from cyberdiplomacy.hotline import audit, desk, directory, identity
from cyberdiplomacy.hotline.node import Options, serve
from cyberdiplomacy.hotline.receiver import MAX_BATCH
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.hotline.worker import BATCH, Backoff

group = typer.Typer(
    help="Signed, encrypted, acknowledged messages between points of contact. Each state or "
    "CERT runs its own node (`hotline init`, `hotline serve`); no central server holds keys.",
    no_args_is_help=True,
)
peer_group = typer.Typer(help="The peers this node trusts, by contact card.", no_args_is_help=True)
log_group = typer.Typer(help="The node's tamper-evident audit log.", no_args_is_help=True)

DirOption = Annotated[
    Path, typer.Option("--dir", help="The node's directory (keys, card and store).")
]
PassphraseOption = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="File whose first line is the passphrase protecting the private keys.",
        exists=True,
        dir_okay=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]
MessageId = Annotated[
    str, typer.Argument(help="A message id from `hotline inbox` (a unique prefix will do).")
]


def when(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _records(items: list[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(item) for item in items]


def emit_json(value: Any) -> None:
    from cyberdiplomacy.cli.common import emit_json

    emit_json(value)


def table(title: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from cyberdiplomacy.cli.common import table

    table(title, columns, rows)


def say(text: str) -> None:
    """Plain text to stdout (never Rich markup: names and subjects are other people's text)."""
    from cyberdiplomacy.cli.common import console

    console.print(text, markup=False, highlight=False)


def note(text: str) -> None:
    """Plain text to stderr, so stdout stays clean for JSON and ids."""
    typer.echo(text, err=True)


@group.command("init")
def init(
    root: DirOption,
    name: Annotated[str, typer.Option(help="The node's name as peers will see it, e.g. EST-CERT.")],
    endpoint: Annotated[
        str, typer.Option(help="The URL peers reach this node at.")
    ] = "http://127.0.0.1:8470",
    passphrase_file: PassphraseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create the node: Ed25519 and X25519 keys (0600), its signed card and its store."""
    node = identity.create(root, name, endpoint, desk.read_passphrase(passphrase_file))
    Store(node.store_path).close()
    card = directory.parse_card(node.card)
    if as_json:
        emit_json({"name": name, "endpoint": endpoint, "fingerprint": card.fingerprint})
        return
    say(f"Hotline node {name!r} created in {root}")
    say(f"Fingerprint: {card.fingerprint}")


@group.command("card")
def card(root: DirOption, as_json: JsonOption = False) -> None:
    """Print this node's signed contact card (JSON), to hand to peers: `card > card.json`."""
    node = identity.load(root)
    typer.echo(json.dumps(node.card, indent=None if as_json else 2))


@peer_group.command("add")
def peer_add(
    root: DirOption,
    card_file: Annotated[
        Path, typer.Argument(help="The peer's card.json.", exists=True, dir_okay=False)
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Trust without asking (fingerprint checked already).")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option(help="Accept a new key without a hand-over (the peer lost its keys)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Trust a peer's card after showing its fingerprint for out-of-band checking."""
    try:
        found = directory.parse_card(json.loads(card_file.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise InvalidCard(f"{card_file} is not JSON") from exc
    note(f"{found.name} at {found.endpoint}")
    note(f"Fingerprint: {found.fingerprint}")
    if not yes and not typer.confirm("Does it match the one the peer gave you?", err=True):
        raise typer.Exit(1)
    with desk.opened(root) as (_, store):
        admission = store.add_peer(found, replace=replace)
    if as_json:
        emit_json({"name": found.name, "fingerprint": found.fingerprint, "result": admission})
        return
    say(f"Peer {found.name!r}: {admission}.")


@peer_group.command("list")
def peer_list(root: DirOption, as_json: JsonOption = False) -> None:
    """List trusted peers with their endpoints and fingerprints."""
    with desk.opened(root) as (_, store):
        peers = store.peers()
    if as_json:
        emit_json(_records(peers))
        return
    table(
        "Peers",
        ["Name", "Endpoint", "Fingerprint"],
        [(p.name, p.endpoint, p.fingerprint) for p in peers],
    )


@group.command("serve")
def serve_node(
    root: DirOption,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8470,
    passphrase_file: PassphraseOption = None,
    max_backoff: Annotated[
        float, typer.Option(min=0.01, help="Longest wait, in seconds, between retries to a peer.")
    ] = 60.0,
    batch: Annotated[
        int,
        typer.Option(min=1, max=MAX_BATCH, help="Most messages sent to a peer in one request."),
    ] = BATCH,
    as_json: JsonOption = False,
) -> None:
    """Run the node: its HTTP server and its delivery worker, until interrupted."""
    node = identity.load(root)
    keys = identity.keyring(node, desk.read_passphrase(passphrase_file))
    started = {"name": node.name, "listening": f"http://{host}:{port}", "endpoint": node.endpoint}
    if as_json:
        emit_json(started)
    else:
        note(f"Hotline node {node.name!r} on http://{host}:{port} (Ctrl+C stops)")
    backoff = Backoff(base=min(0.5, max_backoff), cap=max_backoff)
    serve(node, keys, Options(host, port, backoff, batch=batch))


@group.command("send")
def send(
    root: DirOption,
    to: Annotated[str, typer.Option(help="The peer's name.")],
    subject: Annotated[str, typer.Option(help="Subject line.")],
    body: Annotated[str, typer.Option(help="Message text.")],
    priority: Annotated[str, typer.Option(help="routine or urgent.")] = "routine",
    respond_within: Annotated[
        str | None, typer.Option(help="Deadline for an answer, e.g. 2h; overdue after it.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Durably queue a message and print its id; the running node delivers it."""
    if priority not in ("routine", "urgent"):
        raise InvalidQuery("--priority", "use routine or urgent")
    try:
        within = None if respond_within is None else desk.duration_ms(respond_within)
    except ValueError as exc:
        raise InvalidQuery("--respond-within", str(exc)) from exc
    with desk.opened(root) as (node, store):
        message_id = store.queue(
            node.name, to, subject, body, priority=priority, respond_within_ms=within
        )
    if as_json:
        emit_json({"id": message_id, "to": to, "status": "queued"})
        return
    typer.echo(message_id)


@group.command("inbox")
def inbox(root: DirOption, as_json: JsonOption = False) -> None:
    """Messages received: sender, subject, priority, status (new, read, answered)."""
    with desk.opened(root) as (_, store):
        found = store.inbox()
    if as_json:
        emit_json(_records(found))
        return
    table(
        f"Inbox ({len(found)})",
        ["Id", "From", "Subject", "Priority", "Received", "Respond by", "Status"],
        [
            (m.id, m.peer, m.subject, m.priority, when(m.received_at), when(m.respond_by), m.status)
            for m in found
        ],
    )


@group.command("outbox")
def outbox(root: DirOption, as_json: JsonOption = False) -> None:
    """Messages sent: status queued, delivered, read, answered or overdue."""
    with desk.opened(root) as (_, store):
        store.flag_overdue()
        found = store.outbox()
    if as_json:
        emit_json(_records(found))
        return
    table(
        f"Outbox ({len(found)})",
        ["Id", "To", "Subject", "Priority", "Queued", "Respond by", "Status"],
        [
            (m.id, m.peer, m.subject, m.priority, when(m.queued_at), when(m.respond_by), m.status)
            for m in found
        ],
    )


@group.command("ack")
def ack(root: DirOption, message_id: MessageId, as_json: JsonOption = False) -> None:
    """Mark a received message read; the node sends the sender a signed read acknowledgement."""
    with desk.opened(root) as (_, store):
        message = store.ack(message_id)
    if as_json:
        emit_json(dataclasses.asdict(message))
        return
    say(f"Acknowledged {message.id} from {message.peer}.")


@group.command("reply")
def reply(
    root: DirOption,
    message_id: MessageId,
    body: Annotated[str, typer.Option(help="Reply text.")],
    as_json: JsonOption = False,
) -> None:
    """Answer a received message (acknowledging it); prints the reply's id."""
    with desk.opened(root) as (node, store):
        reply_id = store.reply(node.name, message_id, body)
    if as_json:
        emit_json({"id": reply_id, "in_reply_to": message_id, "status": "queued"})
        return
    typer.echo(reply_id)


@group.command("ping")
def ping_peers(
    root: DirOption,
    to: Annotated[str | None, typer.Option(help="Only this peer (default: all).")] = None,
    passphrase_file: PassphraseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Signed ping to peers: reachable, unreachable, key mismatch, response times.

    Also checks each peer's audit log only grew since the last ping (RFC 9162 consistency
    proofs): a peer showing another history is reported as equivocation.
    """
    results = desk.ping_peers(root, passphrase_file, to)
    if as_json:
        emit_json(_records(results))
        return
    table(
        "Ping report",
        ["Peer", "Outcome", "Response (ms)", "Detail"],
        [(r.peer, r.outcome, r.rtt_ms, r.detail) for r in results],
    )


@log_group.command("verify")
def log_verify(root: DirOption, as_json: JsonOption = False) -> None:
    """Check the audit log against its signed tree heads; exits non-zero on any inconsistency."""
    with desk.opened(root) as (node, store):
        verdict = audit.verify(store.conn, set(node.signing_keys))
    if as_json:
        emit_json({"consistent": not verdict.problems, **dataclasses.asdict(verdict)})
        if verdict.problems:
            raise typer.Exit(1)
        return
    if verdict.problems:
        raise AuditLogInconsistent(tuple(verdict.problems))
    unsigned = verdict.entries - verdict.signed
    later = f"; the last {unsigned} get signed when the node next runs" if unsigned else ""
    say(f"Audit log consistent: {verdict.entries} entries, {verdict.signed} signed{later}.")


@group.command("rotate")
def rotate(
    root: DirOption, passphrase_file: PassphraseOption = None, as_json: JsonOption = False
) -> None:
    """Replace the node's keys; the new card is signed by the old key so peers can follow."""
    node = identity.load(root)
    keys = identity.rotate(node, desk.read_passphrase(passphrase_file))
    if as_json:
        emit_json({"fingerprint": keys.current.fingerprint})
        return
    say(f"New fingerprint: {keys.current.fingerprint}; hand peers the new `hotline card`.")


group.add_typer(peer_group, name="peer")
group.add_typer(log_group, name="log")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="hotline")


if __name__ == "__main__":
    try:
        group(prog_name="python -m cyberdiplomacy.cli.hotline")
    except CyberDiplomacyError as exc:
        note(f"Error: {exc.message()}")
        raise SystemExit(1) from None
