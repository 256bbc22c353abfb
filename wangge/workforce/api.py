"""The workforce API router, assembled from its parts: workers and organisations
(api_registry), shifts, assignments and check-ins (api_roster), hours and who is left
(api_hours)."""

from ninja import Router

from .api_hours import router as hours_router
from .api_registry import router as registry_router
from .api_roster import router as roster_router

router = Router(tags=["workforce"])
router.add_router("", registry_router)
router.add_router("", roster_router)
router.add_router("", hours_router)
