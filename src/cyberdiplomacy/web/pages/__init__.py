"""Server-rendered pages: each route parses, calls one query function and renders one template.

One module per concept (overview, states, actors, attack); `templating` holds the Jinja2
environment that the app's error handler shares.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cyberdiplomacy.web.pages import actors, attack, overview, states
from cyberdiplomacy.web.pages.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
for module in (overview, states, actors, attack):
    router.include_router(module.router)

__all__ = ["router", "templates"]
