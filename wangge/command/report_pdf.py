"""A frozen report of one area as a print-ready PDF (A4, WeasyPrint, a CJK font from the
system as control.documents does; nothing is fetched)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .report_doc import AreaReport
from .report_xlsx import title

TEMPLATE = "command/reports/print.html"


def render_html(doc: AreaReport) -> str:
    return render_to_string(
        TEMPLATE, {"doc": doc, "title": title(doc), "child_sections": doc.child_sections()}
    )


def render_pdf(doc: AreaReport) -> bytes:
    import weasyprint

    from wangge.control.documents import _fetcher

    html = render_html(doc)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
