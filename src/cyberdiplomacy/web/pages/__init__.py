"""Server-rendered pages: each route calls one query function and renders one template."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.web.app import SessionDep

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/")
def dashboard(request: Request, session: SessionDep) -> HTMLResponse:
    """What the knowledge base holds."""
    return templates.TemplateResponse(
        request, "dashboard.html", {"overview": queries.overview(session)}
    )
