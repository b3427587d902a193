"""Country-level trade statistics (``dibwatch countries``): chart series and tables."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from dibwatch.countries import mirror_gaps, mirror_series, partner_share_series, roundabout
from dibwatch.countries import roundabout_series as roundabout_chart
from dibwatch.web.auth import Viewer
from dibwatch.web.context import Ctx

router = APIRouter(tags=["Countries"])


@router.get("/countries", summary="Russia's partner shares, the roundabout index and mirror "
                                  "gaps, as chart series and rows")
def countries(principal: Viewer, ctx: Ctx) -> dict[str, Any]:
    with ctx.service.locked() as ws:
        engine = ws.engine
        return {
            "partner_shares": asdict(partner_share_series(engine)),
            "roundabout": asdict(roundabout_chart(engine)),
            "roundabout_rows": [asdict(r) for r in roundabout(engine)],
            "mirror": asdict(mirror_series(engine)),
            "mirror_rows": [asdict(r) for r in mirror_gaps(engine)],
        }
