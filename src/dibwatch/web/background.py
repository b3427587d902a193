"""Background work at background priority: password checks, batch jobs, trail checks and
upload parsing run on threads of their own with a raised nice value, so on a machine whose
cores are busy the threads answering the API get the CPU first."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from dibwatch.ingest.files import InflateLimit, inflate_limit

T = TypeVar("T")


def background_priority(niceness: int = 10) -> None:
    """Lower the calling thread's CPU priority (Linux schedules threads apart). Where the
    system refuses, nothing happens."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid)
                                                 + niceness))
    except (AttributeError, OSError):
        pass


class UploadParser:
    """Parses uploads (list files, batch inputs) one at a time, at background priority and
    within the uploads' inflate limit; the request thread waits for the result."""

    def __init__(self, limit: InflateLimit) -> None:
        self.limit = limit
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dibwatch-parse",
                                        initializer=background_priority)

    def run(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        def bounded() -> T:
            with inflate_limit(self.limit):
                return fn(*args, **kwargs)

        return self._pool.submit(bounded).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
