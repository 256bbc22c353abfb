"""Control API, transfers part."""

from ninja import Router

router = Router()
