"""The control API router, assembled from its parts: orders (api_orders), follow-ups and alerts
(api_followups), quarantine sites, check-in and check-out (api_sites), transfers
(api_transfers)."""

from ninja import Router

from .api_followups import router as followups_router
from .api_orders import router as orders_router
from .api_sites import router as sites_router
from .api_transfers import router as transfers_router

router = Router(tags=["control"])
router.add_router("", orders_router)
router.add_router("", followups_router)
router.add_router("", sites_router)
router.add_router("", transfers_router)
