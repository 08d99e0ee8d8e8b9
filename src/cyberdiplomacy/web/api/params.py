"""Query parameters shared by the API routes."""

from typing import Annotated

from fastapi import Query

from cyberdiplomacy.knowledge.queries import MAX_LIMIT

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Records to skip")]
Text = Annotated[str | None, Query(max_length=200, description="Name or alias contains")]
Key = Annotated[str | None, Query(max_length=120, description="A slug, ISO3 code or alias")]
