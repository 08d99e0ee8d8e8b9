"""Third-party browser assets, served by the workbench itself so that no page needs a CDN.

plotly.js comes from the installed `plotly` package; the world topojson it draws maps with is
fetched by `make setup` into static/vendor/ (and served there by the static files mount).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from cyberdiplomacy.web.app import STATIC

router = APIRouter()
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
TOPOJSON = STATIC / "vendor" / "world_110m.json"


@router.api_route("/static/vendor/plotly.min.js", methods=["GET", "HEAD"])
def plotly_js() -> FileResponse:
    """plotly.js from the installed Python package; 4.8 MB, so browsers may keep it for a day."""
    return FileResponse(
        PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


def world_map_ready() -> bool:
    """Whether the map can be drawn: without the topojson, plotly.js would reach for a CDN."""
    return TOPOJSON.is_file()
