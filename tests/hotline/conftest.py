"""Fixtures for the hotline tests (helpers live in hotline_nodes.py)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hotline_nodes import Node, Server, befriend, make_node


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Node, Node]:
    """Two nodes that trust each other: EST-CERT (sender) and FIN-NCSC (receiver)."""
    a, b = make_node(tmp_path, "EST-CERT"), make_node(tmp_path, "FIN-NCSC")
    befriend(a, b)
    return a, b


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Servers started by a test, all stopped (by pid) when it ends, whatever happened."""
    started: list[Server] = []
    yield started
    for server in started:
        server.kill(signal.SIGTERM)
