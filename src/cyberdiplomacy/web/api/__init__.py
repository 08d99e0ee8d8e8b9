"""REST API v1: thin routes that parse parameters, call one query function, and return records."""

from fastapi import APIRouter

from cyberdiplomacy.web.api import (
    attribution,
    consensus,
    curation,
    hotline,
    incidents,
    knowledge,
    positions,
)

router = APIRouter()
router.include_router(knowledge.router)
router.include_router(incidents.router)
router.include_router(attribution.router)
router.include_router(consensus.router)
router.include_router(positions.router)
router.include_router(hotline.router)
router.include_router(curation.router)
