"""The Hotline pages in a real browser, over real processes on the loopback.

Two nodes, EST-CERT (A) and FIN-NCSC (B), are created and peered with the CLI and run
`hotline serve`; one workbench is pointed at each. In the browser, A's point of contact writes
to B, watches the message become delivered, B's acknowledges it on B's workbench, A sees it
read, and A's ping test finds B reachable, then unreachable once B's node is stopped.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hotline"))
from hotline_nodes import FAST_ENTRY, Node, Server, free_port

pytestmark = pytest.mark.browser
A, B = "EST-CERT", "FIN-NCSC"
POC, PASSWORD = "duty-officer", "a-long-test-password"
STARTUP_SECONDS = 30
DELIVERY_SECONDS = 30


def cli(*args: str | Path) -> str:
    """Run `hotline …` as a user would; its stdout."""
    done = subprocess.run(
        [*FAST_ENTRY, *(str(a) for a in args)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_node(parent: Path, name: str) -> Node:
    port = free_port()
    root = parent / name
    cli("init", "--dir", root, "--name", name, "--endpoint", f"http://127.0.0.1:{port}")
    (parent / f"{name}.card.json").write_text(cli("card", "--dir", root), encoding="utf-8")
    return Node(root, name, port)


@dataclass
class Workbench:
    """A `uvicorn` process serving the workbench pointed at one hotline node."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_workbench(database: Path, node: Node, log: Path) -> Workbench:
    port = free_port()
    env = {
        **os.environ,
        "CYBERDIPLOMACY_DATABASE_URL": f"sqlite:///{database}",
        "CYBERDIPLOMACY_HOTLINE_DIR": str(node.root),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "cyberdiplomacy.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    workbench = Workbench(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{workbench.url}/login", timeout=1).status_code == 200:
                return workbench
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    workbench.stop()
    pytest.fail(f"the workbench did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@dataclass
class Setup:
    nodes: dict[str, Server]
    workbenches: dict[str, Workbench]


@pytest.fixture
def hotline(tmp_path: Path) -> Iterator[Setup]:
    """Nodes A and B peered with the CLI and serving; a workbench on each (all stopped after)."""
    nodes = {name: cli_node(tmp_path, name) for name in (A, B)}
    for node, other in ((A, B), (B, A)):
        cli("peer", "add", "--dir", nodes[node].root, tmp_path / f"{other}.card.json", "--yes")
    database = tmp_path / "kb.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    with transaction(engine) as session:
        service.add_user(
            session, POC, organisation_slug="cert", role=Role.ANALYST, password=PASSWORD, poc=True
        )
    engine.dispose()
    servers: dict[str, Server] = {}
    workbenches: dict[str, Workbench] = {}
    try:
        for name, node in nodes.items():
            servers[name] = Server(node).start()
            workbenches[name] = start_workbench(database, node, tmp_path / f"{name}-web.log")
        yield Setup(servers, workbenches)
    finally:
        for workbench in workbenches.values():
            workbench.stop()
        for server in servers.values():
            server.kill(signal.SIGTERM)


@pytest.fixture
def tab(browser: Browser, console_errors: list[str]) -> Iterator[Callable[[str], Page]]:
    """Opens a tab on a workbench, recording console errors; closed with the test's browser."""
    opened: list[BrowserContext] = []

    def open_tab(base_url: str) -> Page:
        context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 800})
        opened.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(f"{message.text} at {message.location.get('url')}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        return page

    yield open_tab
    for context in opened:
        context.close()


def sign_in(page: Page) -> None:
    """Sign in through the form, as the point of contact."""
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("User name").fill(POC)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".who-name")).to_have_text(POC)


def status_after_reloads(page: Page, row: Locator, wanted: str) -> None:
    """Reload until the row's status badge says `wanted` (delivery runs in another process)."""
    deadline = time.monotonic() + DELIVERY_SECONDS
    while row.locator(".badge").inner_text().strip().lower() != wanted:
        if time.monotonic() > deadline:
            pytest.fail(f"still {row.locator('.badge').inner_text()!r}, not {wanted!r}")
        time.sleep(0.3)
        page.reload()
    expect(row.locator(".badge")).to_have_text(wanted)


def test_compose_deliver_acknowledge_and_ping_between_two_nodes(
    hotline: Setup, tab: Callable[[str], Page], console_errors: list[str]
) -> None:
    a = tab(hotline.workbenches[A].url)
    a.goto("/hotline")
    expect(a.locator(".error-status")).to_have_text("Error 401")
    console_errors.clear()  # the browser reports the 401 just asserted
    sign_in(a)
    a.get_by_role("navigation", name="Main").get_by_role("link", name="Hotline").click()
    expect(a.get_by_role("heading", name="Hotline", exact=True)).to_be_visible()
    expect(a.locator(".hotline-node")).to_contain_text(A)

    a.get_by_role("link", name="Compose", exact=True).click()
    a.get_by_label("To").select_option(B)
    a.get_by_label("Subject").fill("DDoS on government portals")
    a.get_by_label("Message").fill("Traffic from your networks since 09:00 UTC.\nCan you help?")
    a.get_by_label("Urgent").check()
    a.get_by_label("Respond within").fill("2h")
    a.get_by_role("button", name="Queue message").click()

    expect(a).to_have_url(re.compile(r"/hotline\?sent=[0-9a-f]{32}$"))
    notice = a.locator(".notice-ok")
    expect(notice).to_contain_text("is queued")
    message_id = notice.locator(".message-id").inner_text().strip()
    row = a.locator(f'#outbox tr[data-id="{message_id}"]')
    expect(row).to_contain_text("DDoS on government portals")
    expect(row.locator(".priority-urgent")).to_be_visible()
    status_after_reloads(a, row, "delivered")

    b = tab(hotline.workbenches[B].url)
    sign_in(b)
    b.goto("/hotline")
    incoming = b.locator(f'#inbox tr[data-id="{message_id}"]')
    expect(incoming.locator(".badge")).to_have_text("new")
    incoming.get_by_role("link", name="DDoS on government portals").click()
    expect(b.locator(".hotline-body")).to_contain_text("Can you help?")
    b.get_by_role("button", name="Acknowledge").click()
    expect(b.locator(".notice-ok")).to_contain_text("signed read acknowledgement")
    expect(b.locator(".facts .badge")).to_have_text("read")

    status_after_reloads(a, row, "read")

    a.get_by_role("link", name="Ping test").click()
    a.get_by_role("button", name="Run ping test").click()
    expect(a.locator(".notice-ok")).to_contain_text("Pinged 1 peer")
    report = a.locator(f'#ping-report tr[data-peer="{B}"]')
    expect(report.locator(".badge")).to_have_text("Reachable")
    expect(report.locator(".rtt")).to_have_text(re.compile(r"^\d+\.\d ms$"))

    hotline.nodes[B].kill(signal.SIGTERM)
    a.get_by_role("button", name="Run ping test").click()
    expect(report.locator(".badge")).to_have_text("Unreachable")
    expect(report.locator(".rtt")).to_have_text("—")
    assert console_errors == []
