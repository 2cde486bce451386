"""Pausing Python's cycle collector around work that builds a large heap at once.

The collector runs every few hundred new container objects, and now and then walks every
object the process holds. Work that creates hundreds of thousands of objects that live
until it ends (an import's session, the blocks of a duplicate search, a state's network)
makes it walk the same growing heap again and again: a quarter to a third of the work's
time. That work is bounded and its objects are freed by reference counting when it ends,
so the collector pauses meanwhile, and resumes when the last such work in the process has
ended.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Also a decorator: `@collector_paused()`."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
