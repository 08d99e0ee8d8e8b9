"""The UNGA page in Debian's Chromium: its world map and agreement heat map are drawn from the
loopback alone, against a copy of the full base with two sessions of the shared UNGA votes."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import Engine

from cyberdiplomacy.knowledge.database import make_engine, transaction
from cyberdiplomacy.sources import unga
from cyberdiplomacy.web.pages.vendor import TOPOJSON

pytestmark = pytest.mark.browser
UNGA = Path(__file__).resolve().parents[3] / "shared" / "data" / "unga"
SESSIONS = set(range(66, 74))  # the forecasts learn from five sessions before the next one


def _slice(folder: Path) -> Path:
    folder.mkdir(parents=True)
    kept: set[str] = set()
    for name in ("roll_calls", "votes", "roll_call_issues"):
        with (
            gzip.open(UNGA / f"{name}.csv.gz", "rt", encoding="utf-8", newline="") as src,
            gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(src), csv.writer(out)
            writer.writerow(next(reader))
            for row in reader:
                if name == "roll_calls" and int(float(row[1])) in SESSIONS:
                    kept.add(row[0])
                if row[0] in kept:
                    writer.writerow(row)
    return folder


@pytest.fixture(scope="module")
def voting_server(full_base: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn serving a copy of the full base with the UNGA votes of sessions 66-73."""
    if not (UNGA / "votes.csv.gz").exists():
        pytest.skip(f"shared UNGA voting data not found at {UNGA}")
    folder = tmp_path_factory.mktemp("unga-browser")
    assert full_base.url.database
    shutil.copy(full_base.url.database, folder / "kb.db")
    engine = make_engine(f"sqlite:///{folder / 'kb.db'}")
    with transaction(engine) as session:
        unga.import_votes(session, _slice(folder / "slice"))
    engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "CYBERDIPLOMACY_DATABASE_URL": f"sqlite:///{folder / 'kb.db'}"}
    command = [sys.executable, "-m", "uvicorn", "--factory", "cyberdiplomacy.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = folder / "uvicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start:\n{log.read_text()}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def voting_page(browser: Browser, voting_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=voting_server, viewport={"width": 1366, "height": 800})
    yield context.new_page()
    context.close()


def test_unga_map_and_heat_map_are_drawn_without_leaving_the_loopback(
    voting_page: Page,
) -> None:
    if not TOPOJSON.is_file():
        pytest.skip(f"{TOPOJSON.name} is missing: `make setup` fetches it with npm")
    page = voting_page
    left: list[str] = []
    errors: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", loopback_only)
    page.goto("/unga?states=USA,GBR,FRA,RUS,CHN,IND,BRA")
    expect(page.locator("#vote-map.drawn")).to_be_visible(timeout=20_000)
    expect(page.locator("#agreement-heatmap.drawn")).to_be_visible(timeout=20_000)
    voters = len(page.locator("#vote-map-data").evaluate("e => JSON.parse(e.textContent).iso3"))
    assert voters > 150
    assert page.locator("#vote-map svg path.choroplethlocation").count() > 150
    expect(page.locator("#agreement-heatmap svg g.hm image")).to_have_count(1)  # the drawn cells
    expect(page.locator("#agreement-heatmap svg .xaxislayer-above g.xtick")).to_have_count(7)
    assert page.locator(".map-status").count() == 0
    assert left == []
    assert errors == []
