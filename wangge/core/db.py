"""Database housekeeping shared by the bulk paths."""

from django.db import connection

# Below this many rows the planner's statistics are good enough as they are.
ANALYZE_AFTER_ROWS = 5000


def analyze_after_bulk_load(rows: int = ANALYZE_AFTER_ROWS) -> None:
    """Fresh planner statistics after many rows arrive at once. Without them PostgreSQL plans
    the next queries (the schedule, who is left) for the tables as they were, nearly empty,
    until autovacuum comes round; ANALYZE inside the loading transaction sees the new rows."""
    if rows >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
