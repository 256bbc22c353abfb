"""The testing API router, assembled from its parts."""

from ninja import Router

from .api_plan import router as plan_router
from .api_results import router as results_router
from .api_tubes import router as tubes_router

router = Router(tags=["testing"])
router.add_router("", plan_router)
router.add_router("", tubes_router)
router.add_router("", results_router)
