"""`serve`: the web workbench and its API."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from cyberdiplomacy.cli.common import console, engine
from cyberdiplomacy.config import Settings
from cyberdiplomacy.web.app import create_app


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
    hotline: Annotated[
        Path | None,
        typer.Option(
            "--hotline",
            help="A hotline node's directory (`hotline init --dir`) to show on the Hotline pages "
            "(default: CYBERDIPLOMACY_HOTLINE_DIR).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Serve the workbench (pages and the /api/v1 REST API) until interrupted."""
    settings = Settings.load()
    if hotline is not None:
        settings = dataclasses.replace(settings, hotline_dir=hotline)
    if host is not None:  # the Host allowlist's default includes the address listened on
        settings = dataclasses.replace(settings, host=host)
    app = create_app(settings, engine())
    host, port = host or settings.host, port or settings.port
    console.print(
        f"Cyber Diplomacy Workbench at http://{host}:{port}  (API docs: /docs; Ctrl+C stops)",
        soft_wrap=True,  # keep the URL on one line, whatever the terminal width
    )
    if settings.hotline_dir is not None:
        console.print(f"Hotline node: {settings.hotline_dir}", soft_wrap=True, markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
