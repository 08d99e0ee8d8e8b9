"""FastAPI application factory: API, pages, static files and one error handler for all of them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException

from cyberdiplomacy import __version__
from cyberdiplomacy.accounts.throttle import Throttle
from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import CyberDiplomacyError
from cyberdiplomacy.knowledge.database import make_engine, require_current
from cyberdiplomacy.web.auth import authenticate
from cyberdiplomacy.web.problems import domain_problem, problem
from cyberdiplomacy.web.security import BodyLimit, CostlyGate, HostAllowlist, SecurityHeaders

STATIC = Path(__file__).with_name("static")
log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app on `engine` (or the configured database); the schema must be current."""
    settings = settings or Settings.load()
    engine = engine or make_engine(settings.database_url)
    require_current(engine)
    app = FastAPI(
        title="Cyber Diplomacy Workbench",
        version=__version__,
        description="States, blocs, threat actors and ATT&CK knowledge for cyber diplomacy.",
        openapi_url="/openapi.json",
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.sessions = sessionmaker(engine)

    from cyberdiplomacy.web.api import router as api_router
    from cyberdiplomacy.web.pages import router as pages_router
    from cyberdiplomacy.web.pages import templates

    app.state.templates = templates
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.login_throttle = Throttle()
    app.middleware("http")(authenticate)

    @app.middleware("http")
    async def _refuse_nul(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # No database stores NUL in text; refuse it here rather than fail deep inside a query.
        values = [request.url.path, *request.query_params.values()]
        if any("\x00" in value for value in values):
            return problem(request, 400, "Invalid parameters", "NUL characters are not allowed.")
        return await call_next(request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return problem(request, 500, "Internal error", "Something went wrong on our side.")

    @app.exception_handler(CyberDiplomacyError)
    async def _domain_error(request: Request, exc: CyberDiplomacyError) -> Response:
        return domain_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
            for e in exc.errors()
        )
        return problem(request, 422, "Invalid parameters", details)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        return problem(request, exc.status_code, str(exc.detail), str(exc.detail))

    # Outermost last: every answer gets the security headers, even a refused Host or body.
    app.state.costly = CostlyGate(settings.max_costly)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HostAllowlist, hosts=settings.hosts())
    app.add_middleware(SecurityHeaders)
    return app
