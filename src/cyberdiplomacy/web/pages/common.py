"""What every page route shares: its parameters and how it renders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from cyberdiplomacy.web.pages.templating import templates

PAGE_SIZE = 50
Text = Annotated[str | None, Query(max_length=200, description="Name or alias contains")]
Choice = Annotated[str | None, Query(max_length=40, description="A filter's selected key")]
# Bounded so that the offset stays far inside what SQL integers can hold.
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page of the list, from 1")]


def offset(page: int) -> int:
    """The number of records before page `page` of a list."""
    return (page - 1) * PAGE_SIZE


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """One template, with `request` for links and the header's search box."""
    response: HTMLResponse = templates.TemplateResponse(
        request, name, context, status_code=status_code
    )
    return response
