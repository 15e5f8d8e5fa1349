"""What the machine can do: the memory a computation takes, the speed of a matrix product.

:func:`peak_memory` measures how much memory a call adds at its peak; :func:`matmul_gflops`
how many floating-point operations per second the CPU or a GPU reaches on a matrix
product, the operation that dominates a network's arithmetic. Both are measurements and
vary from run to run (tens of percent on a busy machine), so compare them only with wide
margins.

Examples
--------
>>> total, extra = peak_memory(lambda n: torch.ones(n).sum().item(), 10_000_000)  # 40 MB of float32
>>> total, extra > 20e6
(10000000.0, True)
>>> matmul_gflops(64, "cpu", repeats=2) > 0
True
"""

from __future__ import annotations

import ctypes
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import torch

from dlml.checks import positive_int
from dlml.device import pick_device


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line.")


def peak_memory(fn: Callable[..., Any], *args, **kwargs) -> tuple[Any, int]:
    """Run ``fn(*args, **kwargs)``; return its result and the peak memory it added, in bytes.

    On Linux this is the growth of the process's resident memory (RSS) from before the
    call to its high-water mark during it: everything the process touches counts, Python
    and NumPy objects, PyTorch's CPU tensors and the C libraries' own buffers alike. Free
    memory the process kept from earlier work can be reused without showing up; we hand
    it back to the system first (``malloc_trim``), which removes most of that
    under-count. Not counted: GPU memory (``torch.cuda.max_memory_allocated`` measures
    that) and other processes. Elsewhere the function falls back on ``tracemalloc``,
    which sees only memory allocated through Python (NumPy's arrays included, PyTorch's
    tensors not), and warns.

    Examples
    --------
    >>> import numpy as np
    >>> result, extra = peak_memory(lambda n: float(np.ones(n).sum()), 10_000_000)  # 80 MB of float64
    >>> result, extra > 50e6
    (10000000.0, True)
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable; got {type(fn).__name__}.")
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except OSError:  # not glibc (e.g. musl): nothing to trim
            pass
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset the high-water mark to the current RSS (Linux >= 4.0)
        before = _status_kib("VmRSS")
        result = fn(*args, **kwargs)
        return result, max(0, _status_kib("VmHWM") - before) * 1024
    warnings.warn(
        "peak_memory: no /proc on this system; tracemalloc counts only memory allocated "
        "through Python (not PyTorch's tensors or C libraries).",
        stacklevel=2,
    )
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    try:
        result = fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, max(0, peak - start)


def matmul_gflops(
    n: int = 1024, device: str | None = "cpu", repeats: int = 5, dtype: torch.dtype = torch.float32
) -> float:
    """Measured speed of an ``n x n`` by ``n x n`` matrix product, in GFLOP/s.

    One product is ``2 n**3`` FLOPs; the best of ``repeats`` timings (after one
    warm-up) is reported, as it is the least disturbed by other programs. On the CPU
    it uses PyTorch's current thread count (``torch.get_num_threads()``).

    Parameters
    ----------
    n : int
        Matrix size.
    device : {"cpu", "cuda", "mps"} or None
        As in :func:`dlml.device.pick_device`; ``None`` picks the best available.
    repeats : int
    dtype : torch.dtype
        A floating-point type.

    Returns
    -------
    float

    Examples
    --------
    >>> matmul_gflops(64, "cpu", repeats=2) > 0
    True
    """
    n, repeats = positive_int("n", n), positive_int("repeats", repeats)
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ValueError(f"dtype must be a floating-point torch.dtype; got {dtype!r}.")
    where = pick_device(device)
    generator = torch.Generator().manual_seed(0)
    a, b = (torch.rand(n, n, generator=generator).to(where, dtype) for _ in range(2))

    def sync() -> None:
        if where.type == "cuda":
            torch.cuda.synchronize()
        elif where.type == "mps":
            torch.mps.synchronize()

    a @ b  # warm-up: libraries load and choose kernels on the first call
    sync()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        sync()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / max(best, 1e-9) / 1e9
