"""Control API, followups part."""

from ninja import Router

router = Router()
