"""Settings: the one place where the workbench reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cyberdiplomacy"


@dataclass(frozen=True)
class Settings:
    """Validated configuration passed to the core; built from the environment by `load`."""

    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000

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
        )
