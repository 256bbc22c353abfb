"""door pages of the canvass app."""

urlpatterns: list = []
