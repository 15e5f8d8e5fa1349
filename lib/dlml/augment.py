"""Data augmentation for 1-D signals: new training examples made by shifting old ones.

A digit in MNIST-1D is still the same digit when the whole signal moves a few steps left
or right, so shifted copies of the training signals are extra examples with known labels.

Examples
--------
>>> X = np.array([[1.0, 2.0, 3.0, 4.0]])
>>> shift(X, 1)               # circular: what leaves on the right comes back on the left
array([[4., 1., 2., 3.]])
>>> shift(X, -1, mode="zeros")
array([[2., 3., 4., 0.]])
>>> X_aug, y_aug = random_shifts(X, np.array([7]), copies=2, max_shift=1, seed=0)
>>> X_aug.shape, y_aug.tolist()
((3, 4), [7, 7, 7])
"""

from __future__ import annotations

import numpy as np

from dlml.seeds import book_seed

MODES = ("circular", "zeros", "edge")  # what fills the places a shift empties


def _signals(X) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype == object or not np.issubdtype(X.dtype, np.number) or X.dtype == bool:
        raise ValueError(f"X must be an array of numbers; got dtype {X.dtype}.")
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array of shape (n_signals, length); got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must contain finite numbers only (no NaN or infinity).")
    return X


def _is_int(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def shift(X, shifts, mode: str = "circular") -> np.ndarray:
    """Move each signal (row of X) by a whole number of steps; positive moves right.

    Parameters
    ----------
    X : array-like of shape (n_signals, length)
    shifts : int or array-like of int, shape (n_signals,)
        One shift for every signal, or one per signal; ``|shift| < length``.
    mode : {"circular", "zeros", "edge"}
        What fills the emptied places: the values pushed off the other end
        (``np.roll``), zeros, or copies of the nearest end value.

    Returns
    -------
    numpy.ndarray
        A new array of the shape and dtype of X.

    Examples
    --------
    >>> shift([[1.0, 2, 3], [4, 5, 6]], [1, -1], mode="edge")
    array([[1., 1., 2.],
           [5., 6., 6.]])
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}.")
    X = _signals(X)
    n, length = X.shape
    s = np.asarray(shifts)
    if s.ndim == 0:
        s = np.full(n, s)
    if s.shape != (n,) or not np.issubdtype(s.dtype, np.integer):
        raise ValueError(f"shifts must be an integer or {n} integers, one per signal; got {shifts!r}.")
    if np.any(np.abs(s) >= length):
        raise ValueError(
            f"every shift must be smaller than the signal length {length} in size; got up to {np.abs(s).max()}."
        )
    source = np.arange(length)[None, :] - s[:, None]  # (n, length): where each output value comes from
    if mode == "circular":
        return np.take_along_axis(X, source % length, axis=1)
    out = np.take_along_axis(X, np.clip(source, 0, length - 1), axis=1)
    if mode == "zeros":
        out[(source < 0) | (source >= length)] = 0
    return out


def random_shifts(
    X, y, copies: int = 1, max_shift: int = 5, mode: str = "circular", seed: int = book_seed(0)
) -> tuple[np.ndarray, np.ndarray]:
    """The training set plus ``copies`` randomly shifted copies of it.

    Each copy shifts every signal by its own random amount, drawn uniformly from
    ``-max_shift`` to ``max_shift`` (zero included); the labels are repeated.

    Parameters
    ----------
    X : array-like of shape (n_signals, length)
    y : array-like of shape (n_signals,)
    copies : int
        Number of shifted copies to add (0 returns the data unchanged).
    max_shift : int
        Largest shift, in steps; smaller than the signal length.
    mode : {"circular", "zeros", "edge"}
        As in :func:`shift`.
    seed : int
        Seed of the random shifts.

    Returns
    -------
    X_aug, y_aug : numpy.ndarray
        ``(copies + 1) * n_signals`` rows: the originals first, then each copy.

    Examples
    --------
    >>> X_aug, y_aug = random_shifts(np.ones((4, 10)), [0, 1, 2, 3], copies=3, seed=1)
    >>> X_aug.shape, y_aug[:8].tolist()
    ((16, 10), [0, 1, 2, 3, 0, 1, 2, 3])
    """
    X = _signals(X)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must have one label per signal, shape ({len(X)},); got shape {y.shape}.")
    if not _is_int(copies) or copies < 0:
        raise ValueError(f"copies must be a non-negative integer; got {copies!r}.")
    if not _is_int(max_shift) or not 0 <= max_shift < X.shape[1]:
        raise ValueError(
            f"max_shift must be an integer from 0 to {X.shape[1] - 1} (the signal length - 1); got {max_shift!r}."
        )
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}.")
    rng = np.random.default_rng(seed)
    parts = [X] + [shift(X, rng.integers(-max_shift, max_shift + 1, size=len(X)), mode) for _ in range(copies)]
    return np.concatenate(parts), np.tile(y, copies + 1)
