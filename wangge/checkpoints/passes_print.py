"""Printed household passes (出入证): one PDF, a grid of pass cards per A4 page (2 × 4), each
with the estate, the building/unit/room, the pass number, the valid dates, the estate's rule in
words (每户每天1人…) and a QR code of the pass's signed token, drawn with segno as inline SVG.

WeasyPrint draws the pages with a CJK font from the system; nothing is fetched (styles inline,
a URL fetcher that refuses every URL), as in wangge/control/documents.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from wangge.control.documents import _fetcher, cn_date
from wangge.core.qr import qr_svg

from . import passes
from .models import Pass, PassPolicy
from .services_setup import describe_policy

TEMPLATE = "checkpoints/setup/print.html"
PER_PAGE = 8
RELATED = ("household__building__estate", "household__unit")


def qr_payload(card: Pass) -> str:
    """What a pass's QR code holds: its signed token (verified offline at the gate)."""
    return passes.token(card)


@dataclass
class Card:
    card: Pass
    estate: str
    room: str
    number: str
    valid_from: str
    valid_until: str
    rule: str
    qr: str


def cards(selection: Iterable[Pass]) -> list[Card]:
    """The printed facts of each pass (passes with RELATED); one query for the policies."""
    selection = list(selection)
    estate_ids = {c.household.building.estate_id for c in selection}
    policies = {p.estate_id: p for p in PassPolicy.objects.filter(estate_id__in=estate_ids)}
    out = []
    for c in selection:
        hh = c.household
        estate = hh.building.estate
        out.append(
            Card(
                card=c,
                estate=estate.name if estate else "",
                room=str(hh),
                number=c.number,
                valid_from=cn_date(c.valid_from),
                valid_until=cn_date(c.valid_until),
                rule=describe_policy(policies.get(hh.building.estate_id)),
                qr=mark_safe(qr_svg(qr_payload(c))),  # noqa: S308 - segno's own SVG
            )
        )
    return out


def render_html(selection: Iterable[Pass], *, at_day: dt.date | None = None) -> str:
    printed = cards(selection)
    if not printed:
        raise ValueError("nothing to print")
    pages = [printed[i : i + PER_PAGE] for i in range(0, len(printed), PER_PAGE)]
    return render_to_string(TEMPLATE, {"pages": pages, "at_day": at_day, "title": _("出入证")})


def render_pdf(selection: Iterable[Pass], *, at_day: dt.date | None = None) -> bytes:
    """One PDF of pass cards, 8 to an A4 page, in the order given. ValueError when empty."""
    import weasyprint

    html = render_html(selection, at_day=at_day)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
