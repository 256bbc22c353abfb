"""Control pages, followups part."""

urlpatterns: list = []
