"""The canvass API router."""

from ninja import Router

router = Router(tags=["canvass"])
