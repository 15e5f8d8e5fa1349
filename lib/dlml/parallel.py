"""Independent runs (seeds, sizes, settings) spread over the cores, results in order.

The book's small networks train fastest with one thread each, so a 2-core laptop is used
best by two processes that each fit one model. :func:`parallel_map` and
:func:`parallel_starmap` do what ``map`` and ``itertools.starmap`` do, with
joblib's processes; each call's result comes back in the order of its arguments.

The environment variable ``DLML_MAX_JOBS`` caps the processes of every call. ``make test``
and ``make bench`` run two notebooks at a time with ``DLML_MAX_JOBS=1``: each notebook
then keeps to its own process, and the two fill the two cores without starting workers
that import PyTorch again (the results are the same; only the time changes).

Examples
--------
>>> parallel_map(abs, [-2, 3], n_jobs=1)
[2, 3]
>>> parallel_starmap(pow, [(2, 3), (3, 2)], n_jobs=1)
[8, 9]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

from dlml.checks import env_integer, positive_int

N_JOBS = 2  # the reference laptop's cores
ENV = "DLML_MAX_JOBS"


def max_jobs(value: str | None = None) -> int | None:
    """The cap on processes read from ``DLML_MAX_JOBS`` (or *value*): a whole number >= 1, None if unset.

    >>> max_jobs("1"), max_jobs("")
    (1, None)
    """
    return env_integer(ENV, value, minimum=1, maximum=1024, example="1")


def parallel_map(function: Callable, items: Iterable, *, n_jobs: int = N_JOBS) -> list:
    """``[function(item) for item in items]``, over ``n_jobs`` processes (1: in this process)."""
    return parallel_starmap(function, ((item,) for item in items), n_jobs=n_jobs)


def parallel_starmap(function: Callable, jobs: Iterable[tuple], *, n_jobs: int = N_JOBS) -> list:
    """``[function(*job) for job in jobs]``, over ``n_jobs`` processes (1: in this process).

    At most ``DLML_MAX_JOBS`` processes when that is set (see :func:`max_jobs`).
    ``function`` must be importable or defined in the caller's session (joblib sends it
    to the workers by value); whatever it returns must be picklable.
    """
    positive_int("n_jobs", n_jobs)
    cap = max_jobs()
    n_jobs = n_jobs if cap is None else min(n_jobs, cap)
    jobs = list(jobs)
    if n_jobs == 1:
        return [function(*job) for job in jobs]
    from joblib import Parallel, delayed

    with warnings.catch_warnings():
        # loky restarts a worker whose memory grew and says so; the results are unaffected
        warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given")
        return Parallel(n_jobs=n_jobs)(delayed(function)(*job) for job in jobs)
