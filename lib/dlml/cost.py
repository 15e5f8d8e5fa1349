"""What a model costs: arithmetic (FLOPs), time, memory, and the speed of the hardware.

Counts are exact and the same on every run; times and memory are measurements and vary
from run to run (tens of percent on a busy machine), so compare them only with wide margins.

Examples
--------
>>> import torch
>>> flops(torch.nn.Linear(40, 10), torch.zeros(8, 40))  # 2 * 40 * 10 per example
800.0
>>> from sklearn.linear_model import LogisticRegression
>>> X, y = np.eye(4), np.array([0, 1, 0, 1])
>>> model = LogisticRegression()
>>> time_fit(model, X, y) > 0, latency(model, X, repeats=3) > 0
(True, True)
"""

from __future__ import annotations

import ctypes
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlml.checks import positive_int
from dlml.device import pick_device

CLOCKS = ("process", "wall")  # CPU time of this process (all its threads), or elapsed time
_TIMERS = {"process": time.process_time, "wall": time.perf_counter}


def _timer(clock: str) -> Callable[[], float]:
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {CLOCKS}; got {clock!r}.")
    return _TIMERS[clock]


def _rows(X, what: str = "X") -> np.ndarray | torch.Tensor:
    """X as a non-empty batch of finite numbers, one example per row."""
    if not isinstance(X, torch.Tensor):
        try:
            X = np.asarray(X, dtype=np.float32)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{what} must be an array of numbers; could not convert it: {error}") from None
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(
            f"{what} must hold at least one example, one per row (shape (n, ...)); got shape {tuple(X.shape)}."
        )
    finite = torch.isfinite(X).all().item() if isinstance(X, torch.Tensor) else np.isfinite(X).all()
    if not finite:
        raise ValueError(f"{what} contains NaN or infinite values.")
    return X


def flops(model: nn.Module, X_example, training: bool = False) -> float:
    """Floating-point operations per example of one pass of ``model``, counted by PyTorch.

    ``torch.utils.flop_counter.FlopCounterMode`` counts the matrix products and
    convolutions (two FLOPs per multiply-add); element-wise work (activations, bias
    additions, the optimiser's update) is not counted, and is small beside them.

    Parameters
    ----------
    model : torch.nn.Module
    X_example : array-like or torch.Tensor of shape (n, ...)
        A batch of inputs; the count is divided by its length ``n``.
    training : bool
        ``False``: one forward pass, in evaluation mode (a prediction). ``True``: a
        forward and a backward pass, in training mode (one example's share of a
        gradient step, roughly three forward passes; the first layer skips the gradient
        with respect to the input). The model's mode and gradients are left as they were.

    Returns
    -------
    float
        FLOPs per example.

    Examples
    --------
    >>> flops(nn.Linear(3, 2), np.zeros((5, 3)), training=True)  # forward 2*3*2, weight gradient 2*3*2
    24.0
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    X = _rows(X_example, "X_example")
    first = next(model.parameters(), None)
    X = torch.as_tensor(X, dtype=torch.float32, device=first.device if first is not None else "cpu")
    was_training = model.training
    saved = [(p, p.grad) for p in model.parameters()]
    model.train(training)
    try:
        with FlopCounterMode(display=False) as counter:
            if training:
                for p, _ in saved:
                    p.grad = None
                model(X).float().sum().backward()  # the loss adds no counted FLOPs
            else:
                with torch.no_grad():
                    model(X)
    finally:
        model.train(was_training)
        for p, grad in saved:
            p.grad = grad
    return counter.get_total_flops() / len(X)


def fastest(task: Callable[[], Any], *, repeats: int = 1, clock: str = "process") -> float:
    """The shortest time, in seconds, of ``repeats`` runs of ``task()``.

    The fastest run is the one least disturbed by whatever else the machine was doing,
    which makes it the steadiest number to compare on a shared computer.

    Examples
    --------
    >>> fastest(lambda: sum(range(1000)), repeats=3) >= 0
    True
    """
    if not callable(task):
        raise TypeError(f"task must be a function of no arguments; got {type(task).__name__}.")
    now, times = _timer(clock), []
    for _ in range(positive_int("repeats", repeats)):
        start = now()
        task()
        times.append(now() - start)
    return min(times)


def time_fit(estimator, X, y, *, clock: str = "process") -> float:
    """Seconds taken by ``estimator.fit(X, y)``; the estimator is fitted in place.

    Parameters
    ----------
    estimator : object with ``fit``
    X, y : array-like
    clock : {"process", "wall"}
        ``"process"``: CPU seconds used by this process, all its threads together;
        steady on a shared machine, and equal to the elapsed time of single-threaded
        work on an idle one. ``"wall"``: elapsed seconds, what a user waits; the right
        clock when the work runs on a GPU.

    Returns
    -------
    float

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> time_fit(DecisionTreeClassifier(), [[0.0], [1.0]], [0, 1]) >= 0
    True
    """
    if not hasattr(estimator, "fit"):
        raise TypeError(f"estimator must have a fit method; got {type(estimator).__name__}.")
    return fastest(lambda: estimator.fit(X, y), clock=clock)


def latency(estimator, X, *, batch_size: int = 1, repeats: int = 20, clock: str = "process") -> float:
    """Median seconds of one ``estimator.predict`` call on ``batch_size`` rows of X.

    With ``batch_size=1`` this is the *latency*: how long one answer takes. With a large
    batch, ``batch_size / latency`` is the *throughput* in examples per second. Each call
    takes the next rows of X in turn.

    Parameters
    ----------
    estimator : fitted object with ``predict``
    X : array-like of shape (n, ...)
        At least ``batch_size`` rows.
    batch_size, repeats : int
        Rows per call, and the number of calls timed (the median is returned).
    clock : {"process", "wall"}
        As in :func:`time_fit`.

    Returns
    -------
    float
        Seconds per call (divide by ``batch_size`` for seconds per example).

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> model = DummyClassifier().fit([[0.0], [1.0]], [0, 1])
    >>> latency(model, [[0.5], [2.0]], batch_size=2, repeats=3) >= 0
    True
    """
    if not hasattr(estimator, "predict"):
        raise TypeError(f"estimator must have a predict method; got {type(estimator).__name__}.")
    batch_size, repeats = positive_int("batch_size", batch_size), positive_int("repeats", repeats)
    now = _timer(clock)
    X = _rows(X)
    if batch_size > len(X):
        raise ValueError(f"batch_size ({batch_size}) is larger than X ({len(X)} rows).")
    times = []
    for i in range(repeats):
        start = (i * batch_size) % (len(X) - batch_size + 1)
        batch = X[start : start + batch_size]
        begin = now()
        estimator.predict(batch)
        times.append(now() - begin)
    return float(statistics.median(times))


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
