"""Control API, sites part."""

from ninja import Router

router = Router()
