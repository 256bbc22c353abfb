"""The certificate of service (志愿服务证明): one A4 page for a worker over a period, with the
worker's name, organisation, the posts served, person-times and hours, the issuing area (the
street and community of the worker's area) and the date of issue.

Every assignment of the worker is counted, whichever area's post it was: the certificate is
about the person. Drawn by WeasyPrint from templates/workforce/hours/certificate.html, with a
CJK font from the system and no URL fetched (as control.documents does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from wangge.control.documents import cn_date
from wangge.places.models import Area

from .models import Assignment, Worker
from .services_hours import day_start, fmt_hours

TEMPLATE = "workforce/hours/certificate.html"


@dataclass
class Certificate:
    worker: Worker
    name: str
    organization: str
    kind_label: str
    volunteer: bool
    since: str
    until: str
    posts: list[str] = field(default_factory=list)
    person_times: int = 0
    hours: float = 0.0
    issuer: str = ""
    issued_on: str = ""

    @property
    def hours_text(self) -> str:
        return fmt_hours(self.hours)


def _issuer(area: Area) -> str:
    """The street and community of the worker's area (北京路街道兴华社区)."""
    chain = [*area.ancestors(), area]
    names = [a.name for a in chain if a.level in (Area.Level.STREET, Area.Level.COMMUNITY)]
    return "".join(names) or area.name


def certificate(
    worker: Worker,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> Certificate:
    """The facts printed on the certificate. Without `since`/`until` the period runs from the
    first to the last shift the worker checked in to."""
    today = today or timezone.localdate()
    qs = Assignment.objects.filter(worker=worker, checked_in_at__isnull=False)
    if since is not None:
        qs = qs.filter(shift__starts_at__gte=day_start(since))
    if until is not None:
        qs = qs.filter(shift__starts_at__lt=day_start(until + dt.timedelta(days=1)))
    rows = list(
        qs.order_by("shift__starts_at", "pk").values_list(
            "shift__post__name", "shift__starts_at", "checked_in_at", "checked_out_at"
        )
    )
    first = timezone.localdate(rows[0][1]) if rows else None
    last = timezone.localdate(rows[-1][1]) if rows else None
    cert = Certificate(
        worker=worker,
        name=worker.name,
        organization=worker.organization.name if worker.organization_id else "",
        kind_label=worker.get_kind_display(),
        volunteer=worker.kind == Worker.Kind.VOLUNTEER,
        since=cn_date(since or first),
        until=cn_date(until or last or today),
        issuer=_issuer(worker.area),
        issued_on=cn_date(today),
    )
    for post, _start, t_in, t_out in rows:
        cert.person_times += 1
        if t_out is not None:
            cert.hours += max((t_out - t_in).total_seconds(), 0) / 3600
        if post not in cert.posts:
            cert.posts.append(post)
    return cert


def render_html(cert: Certificate) -> str:
    return render_to_string(TEMPLATE, {"c": cert})


def _fetcher():
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        """Refuses every URL: the page carries everything it needs."""

        def fetch(self, url, headers=None):
            raise ValueError(f"no external resources in a certificate: {url[:80]}")

    return NoFetch()


def render_pdf(cert: Certificate) -> bytes:
    import weasyprint

    html = render_html(cert)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
