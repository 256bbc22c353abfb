"""The tracing API router, assembled from its parts: batches (imports), the review queue and the
merged list (review)."""

from ninja import Router

from .api_imports import router as imports_router
from .api_review import router as review_router

router = Router(tags=["tracing"])
router.add_router("", imports_router)
router.add_router("", review_router)
