"""A sliding-window limit on failed sign-ins per client address (kept in the process)."""

from __future__ import annotations

from collections import deque
from threading import Lock


class Throttle:
    """At most `limit` failures per key within `window` seconds; times are passed in."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: str, moment: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= moment - self.window:
            failures.popleft()
        return failures

    def retry_after(self, key: str, moment: float) -> int:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            failures = self._recent(key, moment)
            if len(failures) < self.limit:
                return 0
            return int(failures[0] + self.window - moment) + 1

    def fail(self, key: str, moment: float) -> None:
        with self._lock:
            self._recent(key, moment).append(moment)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                self._failures = {k: v for k, v in self._failures.items() if v}
