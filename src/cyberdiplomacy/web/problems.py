"""Errors as answers: an HTML page for browsers, RFC 9457 problem+json for everyone else."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from cyberdiplomacy.errors import Busy, CyberDiplomacyError, LoginThrottled, NotSignedIn

PROBLEM = "application/problem+json"


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render an error as an HTML page for browsers, else as problem+json."""
    if wants_html(request):
        templates = request.app.state.templates
        page: Response = templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "detail": detail},
            status_code=status,
            headers=headers,
        )
        return page
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body["instance"] = request.url.path
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def domain_problem(request: Request, exc: CyberDiplomacyError) -> Response:
    """A workbench error as a problem, with the headers its condition calls for."""
    headers: dict[str, str] = {}
    if isinstance(exc, NotSignedIn):
        headers["WWW-Authenticate"] = 'Bearer realm="cyberdiplomacy"'
    if isinstance(exc, LoginThrottled | Busy):
        headers["Retry-After"] = str(exc.retry_after)
    return problem(request, exc.status, exc.title, exc.message(), headers)
