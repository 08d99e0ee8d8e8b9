"""Hotline test helpers: nodes in temporary directories, and real node processes on loopback.

Node processes run `python -m cyberdiplomacy.cli.hotline serve` (the same Typer commands as
`cyberdiplomacy hotline`, without loading the rest of the workbench, so a restart after SIGKILL
takes about a second); one test also runs the `cyberdiplomacy` console script itself.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings

from cyberdiplomacy.hotline import crypto, directory, envelope, identity
from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.receiver import Receiver
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.hotline.worker import Backoff, Worker

# CI profile for the hotline's property tests: no per-example deadline (fsyncs and a busy
# machine make timings meaningless) and a bounded number of examples, so they never flake.
CI = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

FAST_ENTRY = [sys.executable, "-m", "cyberdiplomacy.cli.hotline"]
CONSOLE_SCRIPT = [str(Path(sys.executable).with_name("cyberdiplomacy")), "hotline"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Node:
    """A node's directory, with the port it serves on."""

    root: Path
    name: str
    port: int

    @property
    def identity(self) -> identity.Identity:
        return identity.load(self.root)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def keys(self) -> Keyring:
        return identity.keyring(self.identity)

    def store(self, *, signed: bool = False) -> Store:
        return Store(self.identity.store_path, signer=self.keys().current if signed else None)

    def card(self) -> directory.Card:
        return directory.parse_card(self.identity.card)


def make_node(parent: Path, name: str) -> Node:
    port = free_port()
    node = Node(parent / name, name, port)
    identity.create(node.root, name, node.url)
    node.store().close()
    return node


def befriend(*nodes: Node) -> None:
    for node in nodes:
        store = node.store()
        for other in nodes:
            if other is not node:
                store.add_peer(other.card())
        store.close()


class Server:
    """A real `hotline serve` process; `kill` sends SIGKILL unless told otherwise."""

    def __init__(self, node: Node, *, command: list[str] = FAST_ENTRY, backoff: float = 0.2):
        self.node = node
        self.command = [
            *command,
            "serve",
            "--dir",
            str(node.root),
            "--port",
            str(node.port),
            "--max-backoff",
            str(backoff),
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Server:
        log = open(self.node.root / "serve.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(self.command, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited: {(self.node.root / 'serve.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.node.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise TimeoutError("node did not start listening")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None


def post(url: str, route: str, body: Any, **kwargs: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{url}/hotline/v1/{route}", content=content, timeout=30.0, **kwargs)


def wait_until(condition: Any, timeout: float = 60.0, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(every)


def now_ms() -> int:
    return int(time.time() * 1000)


def envelope_for(
    sender: Node,
    receiver: Node,
    seq: int,
    *,
    ts: int | None = None,
    message_id: str | None = None,
    ciphertext: bytes | None = None,
) -> dict[str, Any]:
    """A well-formed envelope from `sender` to `receiver`, signed with the sender's key."""
    message_id = message_id or uuid.uuid4().hex
    if ciphertext is None:
        plaintext = envelope.content(
            id=message_id,
            subject=f"test {seq}",
            body="body",
            priority="routine",
            in_reply_to=None,
            respond_by=None,
            created=now_ms(),
            **{"from": sender.name, "to": receiver.name},
        )
        ciphertext = crypto.seal(receiver.card().encryption_key, plaintext)
    return envelope.seal_envelope(
        sender.keys().current,
        id=message_id,
        sender=sender.name,
        recipient=receiver.name,
        seq=seq,
        ts=now_ms() if ts is None else ts,
        ciphertext=ciphertext,
    )


class Clock:
    """A simulated wall clock, in seconds since the epoch, shared by stores and worker."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now


class Network:
    """An in-process link to a receiver, which a test can take down, make busy or make lossy.

    `lose_answers`: the receiver processes the request but the answer never comes back, the
    case that makes senders retry what was in fact delivered.
    """

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.up = True
        self.lose_answers = False
        self.retry_after: str | None = None
        self.requests: list[tuple[float, str, bytes]] = []
        self.processed: list[bytes] = []

    def transport(self, clock: Clock) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append((clock.now, request.url.path, request.content))
            if not self.up:
                raise httpx.ConnectError("connection refused", request=request)
            if self.retry_after is not None:
                return httpx.Response(503, headers={"retry-after": self.retry_after})
            answer = self.receiver.handle(request.url.path.rsplit("/", 1)[1], request.content)
            self.processed.append(request.content)
            if self.lose_answers:
                raise httpx.ReadTimeout("answer lost", request=request)
            return httpx.Response(answer.status, json=answer.body)

        return httpx.MockTransport(handle)


def scratch_dir() -> Path:
    """A directory on tmpfs when there is one: property tests need fsyncs to be cheap."""
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(dir=shm if shm.is_dir() else None))


@dataclass
class Link:
    """Sender node A with its worker, receiver node B, in one process on a simulated clock."""

    a: Node
    b: Node
    clock: Clock
    sender: Store
    receiver: Store
    network: Network
    worker: Worker

    @classmethod
    def open(cls, a: Node, b: Node, clock: Clock, backoff: Backoff) -> Link:
        sender = Store(a.identity.store_path, signer=a.keys().current, clock=clock)
        receiver = Store(b.identity.store_path, signer=b.keys().current, clock=clock)
        network = Network(Receiver(receiver, b.name, b.keys()))
        client = httpx.Client(transport=network.transport(clock))
        worker = Worker(sender, a.name, a.keys(), client, backoff=backoff, rng=random.Random(1))
        return cls(a, b, clock, sender, receiver, network, worker)

    def close(self) -> None:
        self.worker.client.close()
        self.sender.close()
        self.receiver.close()

    def queue(self, count: int) -> list[str]:
        with self.sender.transaction():
            return [
                self.sender.queue(self.a.name, self.b.name, f"m{n}", "body") for n in range(count)
            ]

    def inbox_ids(self) -> list[str]:
        rows = self.receiver.conn.execute("SELECT id FROM inbox ORDER BY seq").fetchall()
        return [r[0] for r in rows]

    def outbox_ids(self) -> list[str]:
        return [r[0] for r in self.sender.conn.execute("SELECT id FROM outbox ORDER BY seq")]
