"""Control pages, left part."""

urlpatterns: list = []
