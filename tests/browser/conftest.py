"""The workbench served for real: uvicorn in its own process, over HTTP on the loopback, and
Debian's Chromium driven by Playwright to look at it (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from sqlalchemy import Engine

STARTUP_SECONDS = 30
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer at {url} within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(full_base: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app serving the `full_base` SQLite file, as `serve` would."""
    port = _free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "uvicorn.log"
    env = {**os.environ, "CYBERDIPLOMACY_DATABASE_URL": f"sqlite:///{full_base.url.database}"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "cyberdiplomacy.web.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium); "
            "the browser tests never download a browser"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logged or threw, failed resource loads included."""
    return []


@pytest.fixture
def page(browser: Browser, server: str, console_errors: list[str]) -> Iterator[Page]:
    """A fresh tab on a laptop-sized screen, recording its console errors."""
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 800})
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{message.text} at {message.location.get('url')}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    yield tab
    context.close()
