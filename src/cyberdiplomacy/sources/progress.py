"""The hook through which importers report progress to whatever shows it (a Rich bar, a log)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives a task's size once, then how much more of it is done."""

    def start(self, description: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class Silent:
    """A `Progress` that shows nothing; the default for library callers and tests."""

    def start(self, description: str, total: int) -> None:
        """Ignore the new task."""

    def advance(self, amount: int = 1) -> None:
        """Ignore the step."""
