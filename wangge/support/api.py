"""The support API router, assembled from its parts: requests and their steps (api_requests),
assignment, the board and routes (api_dispatch)."""

from ninja import Router

from .api_dispatch import router as dispatch_router
from .api_requests import router as requests_router

router = Router(tags=["support"])
router.add_router("", requests_router)
router.add_router("", dispatch_router)
