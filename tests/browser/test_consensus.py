"""The UNGA and positions pages in Debian's Chromium: their world maps, heat map and line charts
are drawn from the loopback alone, against a copy of the full base with sessions 66-73 of the
shared UNGA votes; the common-ground form returns a package."""

from __future__ import annotations

import csv
import gzip
import os
import re
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


@pytest.fixture
def offline(voting_page: Page) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The tab, with every request off the loopback refused and recorded, and its errors."""
    left: list[str] = []
    errors: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    voting_page.on("pageerror", lambda error: errors.append(str(error)))
    voting_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    voting_page.route("**/*", loopback_only)
    yield voting_page, left, errors
    assert left == []
    assert errors == []


def test_positions_map_is_drawn_offline_and_recoloured_for_another_question(
    offline: tuple[Page, list[str], list[str]],
) -> None:
    if not TOPOJSON.is_file():
        pytest.skip(f"{TOPOJSON.name} is missing: `make setup` fetches it with npm")
    page = offline[0]
    page.goto("/positions")
    expect(page.locator("#positions-map.drawn")).to_be_visible(timeout=20_000)
    states = page.locator("#positions-map-data").evaluate("e => JSON.parse(e.textContent).iso3")
    assert page.locator("#positions-map svg path.choroplethlocation").count() == len(states) > 10
    expect(page.locator(".stance-legend")).to_contain_text("IHL applies")
    page.locator("#issue-select").select_option("multistakeholder-governance")
    page.wait_for_url("**/positions?issue=multistakeholder-governance")
    expect(page.locator("#positions-map.drawn")).to_be_visible(timeout=20_000)
    again = page.locator("#positions-map-data").evaluate("e => JSON.parse(e.textContent).iso3")
    assert set(again) != set(states)
    assert page.locator("#positions-map svg path.choroplethlocation").count() == len(again)
    expect(page.locator("h2#question-title")).to_contain_text("Internet governance")
    expect(page.locator(".stance-legend")).to_contain_text("multistakeholder")
    assert page.locator(".map-status").count() == 0


def test_ideal_points_chart_is_drawn_and_switches_from_ranks_to_scores(
    offline: tuple[Page, list[str], list[str]],
) -> None:
    page = offline[0]
    page.goto("/unga/ideal-points")
    expect(page.locator("#ideal-chart.drawn")).to_be_visible(timeout=20_000)
    expect(page.locator("#ideal-chart g.trace.scatter")).to_have_count(10)
    expect(page.locator("#ideal-chart .g-ytitle")).to_contain_text("Rank")
    page.get_by_role("button", name="Score").click()
    expect(page.locator("#ideal-chart .g-ytitle")).to_contain_text("Score")
    expect(page.get_by_role("button", name="Score")).to_have_attribute("aria-pressed", "true")


def test_cohesion_chart_draws_a_line_per_bloc_chosen(
    offline: tuple[Page, list[str], list[str]],
) -> None:
    page = offline[0]
    page.goto("/unga/cohesion")
    expect(page.locator("#cohesion-chart.drawn")).to_be_visible(timeout=20_000)
    chosen = page.locator(".bloc-choice input:checked").count()
    assert chosen >= 6
    expect(page.locator("#cohesion-chart g.trace.scatter")).to_have_count(chosen)
    page.locator('.bloc-choice input[value="sco"]').uncheck()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#cohesion-chart.drawn")).to_be_visible(timeout=20_000)
    expect(page.locator("#cohesion-chart g.trace.scatter")).to_have_count(chosen - 1)
    page.get_by_role("button", name="Rice index").click()
    expect(page.locator("#cohesion-chart .g-ytitle")).to_contain_text("Rice")


def test_common_ground_form_returns_the_broadest_package(
    offline: tuple[Page, list[str], list[str]],
) -> None:
    page = offline[0]
    page.goto("/positions/common-ground")
    page.get_by_label("Use provision 2").uncheck()  # no treaty: the framework is the norms
    page.get_by_label("Text of provision 8").fill("Affirms that IHL applies to ICT operations.")
    page.get_by_label("Use provision 8").check()
    page.get_by_label("Provision 8 is required").check()
    page.get_by_role("button", name="Find the broadest package").click()
    page.wait_for_url("**/positions/common-ground?*")
    package = page.locator("p.package")
    expect(package).to_contain_text("p8")
    expect(package).to_contain_text("norms")
    expect(package).not_to_contain_text("treaty")
    expect(page.locator("#package-supporters")).to_have_text(re.compile(r"^\d+\.\d$"))
    if TOPOJSON.is_file():
        expect(page.locator("#support-map.drawn")).to_be_visible(timeout=20_000)
        assert page.locator("#support-map svg path.choroplethlocation").count() > 150
