"""Settings: the one place where the workbench reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cyberdiplomacy"


def _path(variable: str) -> Path | None:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def _names(variable: str) -> tuple[str, ...] | None:
    names = [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]
    return tuple(names) or None


@dataclass(frozen=True)
class Settings:
    """Validated configuration passed to the core; built from the environment by `load`.

    `hotline_dir` is the hotline node the web pages show (None: the pages explain how to set
    one up); `hotline_passphrase_file` unlocks its keys when they are passphrase-protected.
    `user` is the account the command line reads as (anonymous, TLP:CLEAR only, when unset);
    `password` answers the password prompts of `users add` and `init --admin` for automation;
    `session_hours` is how long a browser stays signed in.
    `allowed_hosts` are the Host names the web app answers (None: the loopback names and `host`
    unless it is every address; `*`: any); `max_body_bytes` bounds a request's body and
    `max_costly` the costly analyses (fits, forecasts) the web app runs at once.
    """

    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    hotline_dir: Path | None = None
    hotline_passphrase_file: Path | None = None
    user: str | None = None
    password: str | None = None
    session_hours: float = 8.0
    allowed_hosts: tuple[str, ...] | None = None
    max_body_bytes: int = 1 << 20
    max_costly: int = 2

    @classmethod
    def load(cls) -> Settings:
        """Read `CYBERDIPLOMACY_*` variables; default to a SQLite file under the XDG data home."""
        url = os.environ.get("CYBERDIPLOMACY_DATABASE_URL")
        if not url:
            url = f"sqlite:///{_data_home() / 'workbench.db'}"
        return cls(
            database_url=url,
            host=os.environ.get("CYBERDIPLOMACY_HOST", "127.0.0.1"),
            port=int(os.environ.get("CYBERDIPLOMACY_PORT", "8000")),
            hotline_dir=_path("CYBERDIPLOMACY_HOTLINE_DIR"),
            hotline_passphrase_file=_path("CYBERDIPLOMACY_HOTLINE_PASSPHRASE_FILE"),
            user=os.environ.get("CYBERDIPLOMACY_USER") or None,
            password=os.environ.get("CYBERDIPLOMACY_PASSWORD") or None,
            session_hours=float(os.environ.get("CYBERDIPLOMACY_SESSION_HOURS", "8")),
            allowed_hosts=_names("CYBERDIPLOMACY_ALLOWED_HOSTS"),
            max_body_bytes=int(os.environ.get("CYBERDIPLOMACY_MAX_BODY_BYTES", str(1 << 20))),
            max_costly=int(os.environ.get("CYBERDIPLOMACY_MAX_COSTLY", "2")),
        )

    def hosts(self) -> tuple[str, ...]:
        """The Host names to answer: `allowed_hosts`, else the loopback names and `host`."""
        if self.allowed_hosts is not None:
            return self.allowed_hosts
        extra = () if self.host in ("", "0.0.0.0", "::") else (self.host,)
        return tuple(dict.fromkeys(("localhost", "127.0.0.1", "::1", *extra)))
