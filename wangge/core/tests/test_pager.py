"""The pager of pages with several paginated lists: each list's links change only its own
page parameter and keep the rest of the query (the area, the other list's page)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_links_change_only_their_own_parameter():
    request = RequestFactory().get("/", {"area": "5", "apage": "3", "gpage": "2"})
    page = Paginator(list(range(30)), 10).page(2)
    html = render_to_string(
        "core/_pager.html", {"pg": page, "param": "gpage", "request": request}
    ).replace("&amp;", "&")
    assert 'href="?area=5&apage=3&gpage=1"' in html
    assert 'href="?area=5&apage=3&gpage=3"' in html
    assert "2 / 3" in html


def test_one_page_shows_nothing():
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).page(1)
    html = render_to_string("core/_pager.html", {"pg": page, "param": "upage", "request": request})
    assert "pagination" not in html
