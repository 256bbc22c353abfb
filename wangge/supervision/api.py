"""The supervision API router, assembled from its parts: inspections and findings, disinfection,
venues."""

from ninja import Router

from .api_disinfection import router as disinfection_router
from .api_inspections import router as inspections_router
from .api_venues import router as venues_router

router = Router(tags=["supervision"])
router.add_router("", inspections_router)
router.add_router("", disinfection_router)
router.add_router("", venues_router)
