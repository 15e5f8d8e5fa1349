"""The book's seeds, and the one switch that shifts all of them.

Every random choice in the book (a data split, a network's first weights, a forest's
bootstrap samples) takes its seed from :func:`book_seed`. With the environment variable
``DLML_SEED_SHIFT`` unset, seed ``k`` is ``k``; with ``DLML_SEED_SHIFT=1000`` it is
``1000 + k``, so a reader can re-run the whole book on new seeds and see whether its
verdicts still hold (``make seeds SHIFT=1000``).

Examples
--------
>>> book_seed(0) == SHIFT
True
>>> book_seeds(3) == (SHIFT, SHIFT + 1, SHIFT + 2)
True
"""

from __future__ import annotations

import numpy as np

from dlml.checks import env_integer, positive_int

ENV = "DLML_SEED_SHIFT"


def seed_shift(value: str | None = None) -> int:
    """The shift read from ``DLML_SEED_SHIFT`` (or *value*): a whole number >= 0, 0 if unset.

    >>> seed_shift("1000")
    1000
    """
    return env_integer(ENV, value, minimum=0, maximum=2**31 - 1000, example="1000") or 0


SHIFT = seed_shift()


def book_seed(k: int) -> int:
    """The book's seed number ``k``: ``k`` itself, plus ``DLML_SEED_SHIFT`` when set.

    >>> book_seed(42) - SHIFT  # with no shift, 42: MNIST-1D's published split
    42
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"a book seed is a whole number >= 0, such as 0 or 42; got {k!r}.")
    if k < 0:
        raise ValueError(f"a book seed is a whole number >= 0, such as 0 or 42; got {k!r}.")
    return SHIFT + int(k)


def book_seeds(n: int) -> tuple[int, ...]:
    """The book's first ``n`` seeds, for a claim measured over ``n`` repetitions.

    >>> len(book_seeds(5))
    5
    """
    return tuple(book_seed(k) for k in range(positive_int("the number of seeds", n)))
