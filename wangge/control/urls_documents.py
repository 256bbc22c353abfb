"""Control pages, documents part."""

urlpatterns: list = []
