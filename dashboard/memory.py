"""Give the memory that closed sessions freed back to the system, every few seconds.

glibc's malloc keeps freed memory in its arenas for reuse instead of returning it, so a server's RSS after a
crowd leaves stays near its peak even when nothing holds the objects any more. `malloc_trim(0)` hands the free
pages back.
It runs in a thread of its own (ctypes releases the GIL for the call), so no session waits for it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

import streamlit as st

TRIM_EVERY_SECONDS = 5.0


@st.cache_resource(show_spinner=False)
def start_returning_freed_memory() -> threading.Thread | None:
    """Once per server process; nothing to do where the C library is not glibc (no malloc_trim)."""
    trim = _malloc_trim()
    if trim is None:
        return None
    thread = threading.Thread(target=_trim_forever, args=(trim,), name="pad-malloc-trim", daemon=True)
    thread.start()
    return thread


def _malloc_trim() -> ctypes._CFuncPtr | None:
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def _trim_forever(trim: ctypes._CFuncPtr) -> None:
    while True:
        time.sleep(TRIM_EVERY_SECONDS)
        trim(0)
