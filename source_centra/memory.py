"""Memory a finished stream freed, given back to the system before the next stream starts.

A long sync reads its streams in turn (lanes.py), each with its own shape of allocations: the orders
pass holds pages of a hundred orders for hours, the stock ledger lines by the thousand, purchase order
deliveries records of ~5 MB. Python gives what it frees to the C allocator, and glibc's malloc keeps
freed chunks inside its heaps for reuse: a page is resident again only when touched, but free chunks
of an earlier stream's sizes that a later stream cannot use stay resident, and the process's peak
(what Airbyte's pod limits and ``scale_bench.py`` measure) grows with how much was read before.
``give_back`` asks glibc to return every free page (``malloc_trim(0)``: whole free pages anywhere in
its heaps are released); the next stream's allocations fault in what they use. Elsewhere than on glibc
(musl, macOS) it does nothing and says so.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import cache

_lock = threading.Lock()


@cache
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def give_back() -> bool:
    """Return the allocator's free pages to the system; False where the allocator cannot (not glibc)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    with _lock:
        trim(0)
    return True
