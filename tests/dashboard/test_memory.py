"""dashboard/memory.py: one thread per server process hands memory freed inside malloc back to the system."""

from __future__ import annotations

import psutil

from dashboard import memory


def test_one_trimming_thread_per_process() -> None:
    thread = memory.start_returning_freed_memory()
    assert thread is not None and thread.is_alive() and thread.daemon
    assert memory.start_returning_freed_memory() is thread


def test_malloc_trim_returns_freed_memory_to_the_system() -> None:
    """What the thread relies on: blocks freed below one still in use stay in malloc's arena until trimmed.

    Blocks over 512 bytes, as a frame's strings and buffers often are: Python's own allocator takes smaller
    ones and returns its pools itself."""
    trim = memory._malloc_trim()
    assert trim is not None
    process = psutil.Process()
    trim(0)
    before = process.memory_info().rss
    kept = [bytes(1000) + bytes([i % 256]) for i in range(100_000)]  # about 100 MB of 1 KB blocks
    grown = process.memory_info().rss
    del kept[:-1]  # free all but the last: the heap's top stays in use, so malloc keeps the rest
    held = process.memory_info().rss
    trim(0)
    after = process.memory_info().rss
    assert grown - before > 80 * 2**20
    assert held - after > 50 * 2**20, (before, grown, held, after)
