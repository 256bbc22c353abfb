"""The checkpoints API router, assembled from its parts: checkpoints and passes (api_setup),
verification, passages and revocations (api_gate), figures and freight (api_board)."""

from ninja import Router

from .api_board import router as board_router
from .api_gate import router as gate_router
from .api_setup import router as setup_router

router = Router(tags=["checkpoints"])
router.add_router("", setup_router)
router.add_router("", gate_router)
router.add_router("", board_router)
