"""Control pages, sites part."""

urlpatterns: list = []
