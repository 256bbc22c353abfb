"""Control API, orders part."""

from ninja import Router

router = Router()
