"""Control pages, transfers part."""

urlpatterns: list = []
