"""Control pages, orders part."""

urlpatterns: list = []
