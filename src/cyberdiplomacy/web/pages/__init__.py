"""Server-rendered pages: each route parses, calls the query behind each part of the page (most
pages have one) and renders one template.

One module per concept (overview, curation, incidents, law, states, consensus, instruments,
actors, attack, attribution, account);
`vendor` serves third-party browser assets; `templating` holds the Jinja2 environment that the
app's error handler shares.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from cyberdiplomacy.web.pages import (
    account,
    actors,
    attack,
    attribution,
    consensus,
    curation,
    hotline,
    incidents,
    instruments,
    law,
    overview,
    positions,
    states,
    vendor,
)
from cyberdiplomacy.web.pages.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
MODULES = (
    overview,
    curation,  # before incidents: /incidents/new is not an incident called "new"
    incidents,
    law,
    attribution,
    states,
    consensus,
    positions,
    instruments,
    actors,
    attack,
    hotline,
    vendor,
    account,
)
for module in MODULES:
    router.include_router(module.router)

__all__ = ["router", "templates"]
