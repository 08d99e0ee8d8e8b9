"""The node process: the HTTP face (a small ASGI app under uvicorn) and the delivery worker.

    POST /hotline/v1/envelopes   messages (one, or a JSON array as a batch) -> signed receipts
    POST /hotline/v1/acks        signed read acknowledgements
    POST /hotline/v1/receipts    a signed query for receipts already given
    POST /hotline/v1/ping        signed ping -> signed pong with this node's tree head and
                                 the consistency proof from the size the pinger holds (RFC 9162)

The app is hand-written ASGI rather than a framework so that an oversized body is refused with
413 from its Content-Length, before a byte of it is read, and so no route ever reaches a
default error page: every answer is JSON with a code, and every refusal is audited. Store work
runs in a thread so one slow fsync does not stall the event loop.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import httpx
import uvicorn

from cyberdiplomacy.hotline.crypto import Keyring
from cyberdiplomacy.hotline.envelope import MAX_REQUEST
from cyberdiplomacy.hotline.identity import Identity
from cyberdiplomacy.hotline.receiver import Answer, Receiver, reject
from cyberdiplomacy.hotline.store import Store
from cyberdiplomacy.hotline.worker import BATCH, Backoff, Worker

PREFIX = "/hotline/v1/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger(__name__)


class HotlineApp:
    """ASGI app: size limit, routing, and the receiver's answers as JSON."""

    def __init__(self, receiver: Receiver, max_body: int = MAX_REQUEST) -> None:
        self.receiver = receiver
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        answer = await self._answer(scope, receive)
        body = json.dumps(answer.body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope, receive: Receive) -> Answer:
        path: str = scope["path"]
        if not path.startswith(PREFIX):
            return await self._refuse("not_found", f"no route {path[:100]}")
        if scope["method"] != "POST":
            return await self._refuse("method_not_allowed", "every route takes POST")
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:  # h11 refuses non-numbers
            return await self._refuse("too_large", f"bodies are limited to {self.max_body} bytes")
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return Answer(400, {"error": {"code": "disconnected", "message": "gone"}})
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                return await self._refuse("too_large", f"bodies are limited to {self.max_body}")
        route = path[len(PREFIX) :]
        return await anyio.to_thread.run_sync(self.receiver.handle, route, bytes(body))

    async def _refuse(self, code: str, reason: str) -> Answer:
        return await anyio.to_thread.run_sync(self.receiver.refuse, reject(code, reason))


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8470
    backoff: Backoff = field(default_factory=Backoff)
    max_body: int = MAX_REQUEST
    batch: int = BATCH


def serve(identity: Identity, keys: Keyring, options: Options) -> None:
    """Run the node until interrupted; if the delivery worker dies, the node stops with it.

    Server and worker use their own connections to the store; SQLite serialises their writes.
    """
    server_store = Store(identity.store_path, signer=keys.current)
    worker_store = Store(identity.store_path, signer=keys.current)
    client = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))
    worker = Worker(
        worker_store, identity.name, keys, client, backoff=options.backoff, batch=options.batch
    )
    receiver = Receiver(server_store, identity.name, keys, on_contact=worker.contact)
    config = uvicorn.Config(
        HotlineApp(receiver, options.max_body),
        host=options.host,
        port=options.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    stop = threading.Event()

    def deliver() -> None:
        try:
            worker.run(stop)
        except BaseException:
            log.exception("the delivery worker stopped; stopping the node")
            server.should_exit = True
            raise

    thread = threading.Thread(target=deliver, name="hotline-delivery", daemon=True)
    thread.start()
    try:
        server.run()
    finally:
        stop.set()
        thread.join(timeout=15)
        client.close()
        worker_store.close()
        server_store.close()
