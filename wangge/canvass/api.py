"""The canvass API router, assembled from its parts: campaigns and visits (api_campaigns), the
coverage ledger and the households not reached (api_coverage), flagged people (api_flags)."""

from ninja import Router

from .api_campaigns import router as campaigns_router
from .api_coverage import router as coverage_router
from .api_flags import router as flags_router

router = Router(tags=["canvass"])
router.add_router("", campaigns_router)
router.add_router("", coverage_router)
router.add_router("", flags_router)
