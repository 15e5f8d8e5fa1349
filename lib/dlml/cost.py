"""What a model costs: arithmetic (FLOPs) and time, to fit and to predict.

Counts are exact and the same on every run; times are measurements and vary from run to
run (tens of percent on a busy machine), so compare them only with wide margins. The
memory a computation takes and the speed of the machine are in :mod:`dlml.hardware`.

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

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlml.checks import positive_int

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
