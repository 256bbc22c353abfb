"""Pagination for list pages: 50 rows a page, ?page=N (out-of-range pages show the last one)."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, qs, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))
