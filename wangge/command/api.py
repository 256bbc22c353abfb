"""The command API router, assembled from its parts: daily reports, the dashboard, residents'
notices and letters."""

from ninja import Router

from .api_dashboard import router as dashboard_router
from .api_reports import router as reports_router
from .api_residents import router as residents_router

router = Router(tags=["command"])
router.add_router("", reports_router)
router.add_router("", dashboard_router)
router.add_router("", residents_router)
