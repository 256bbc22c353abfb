"""Building tens of thousands of small objects at once (a who-is-left list of a street, an
import batch) makes Python's cyclic garbage collector run over and over on objects that are
all still alive: for a street's not-yet-sampled list that was half of the time."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees what is
    dropped); collection resumes as before when it ends, also on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
