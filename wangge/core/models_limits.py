"""Counters for rate-limiting the public (no login) pages, kept in the database so that every
worker process of the server sees the same counts (a per-process cache would not)."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """How many requests one key (an IP address, a household) made in one fixed time window."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "testing_ratecounter"  # where the first public page created it
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M} {self.count}"
