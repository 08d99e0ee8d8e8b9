"""What routes depend on: a session or `Reader` bound to the request's viewer, once per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.access import Reader, bind
from cyberdiplomacy.web.auth import viewer


def get_session(request: Request) -> Iterator[Session]:
    """One read session per request, bound to the request's viewer."""
    with request.app.state.sessions() as session:
        bind(session, viewer(request))
        yield session


def get_reader(session: Annotated[Session, Depends(get_session)], request: Request) -> Reader:
    return Reader(session, viewer(request))


def get_writer(request: Request) -> Iterator[Reader]:
    """One transaction per request: committed when the route returns, rolled back on any error."""
    with request.app.state.sessions() as session, session.begin():
        yield bind(session, viewer(request))


SessionDep = Annotated[Session, Depends(get_session)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
WriterDep = Annotated[Reader, Depends(get_writer)]
