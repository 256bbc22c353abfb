"""Checkpoint pages (卡口): gates, pass policies and passes (setup), the gate phone page and
the green channel (gate), the board, freight and daily figures (board)."""

from . import urls_board, urls_gate, urls_setup

app_name = "checkpoints"
urlpatterns = urls_setup.urlpatterns + urls_gate.urlpatterns + urls_board.urlpatterns
