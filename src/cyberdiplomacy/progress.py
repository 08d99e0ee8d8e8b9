"""The hook through which long work (imports, model fits, backtests) reports its progress."""

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
