"""Photos and other uploaded files of personal records (a delivery, a finding's evidence, a
disinfection): never served from /media/, but streamed by a view that has already checked the
row is in the user's scope, with each view written to the access log."""

from __future__ import annotations

import mimetypes

from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from .audit import record_access


def private_file(user, obj: models.Model, field: str) -> FileResponse:
    """`obj`'s file in `field`, logged as viewed by `user`; 404 when there is none."""
    file: FieldFile = getattr(obj, field)
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record_access(user, "view", obj, fields=field)
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
