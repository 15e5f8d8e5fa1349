"""Input checks shared by the library: a clear error for bad data, in one place.

Examples
--------
>>> as_matrix([[1, 2], [3, 4]]).dtype
dtype('float32')
>>> as_matrix([1, 2])
Traceback (most recent call last):
    ...
ValueError: X must be a 2-D array of shape (n_examples, n_features); got shape (2,).
"""

from __future__ import annotations

import numpy as np
import torch


def positive_int(name: str, value: object) -> int:
    """``value`` as an ``int`` if it is a whole number of at least 1, else a ValueError.

    Booleans are refused although Python counts them as integers.

    Examples
    --------
    >>> positive_int("epochs", 3)
    3
    >>> positive_int("epochs", 0)
    Traceback (most recent call last):
        ...
    ValueError: epochs must be a positive integer; got 0.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def as_matrix(
    X,
    name: str = "X",
    *,
    rows: str = "examples",
    columns: str = "n_features",
    dtype=np.float32,
    conversion_error: type[Exception] = ValueError,
) -> np.ndarray:
    """``X`` as a finite, non-empty 2-D NumPy array, or an error that says what is wrong.

    Parameters
    ----------
    X : array-like or torch.Tensor
        The data, one row per example.
    name : str
        How the argument is called in error messages.
    rows, columns : str
        What a row is and how the columns are counted, for the messages.
    dtype : numpy dtype
        The dtype of the returned array.
    conversion_error : exception class
        Raised when ``X`` cannot be converted to numbers (``ValueError`` by default).

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, has no rows, or holds NaN or infinite values.

    Examples
    --------
    >>> as_matrix([[0.0, float("nan")]], name="H_train")
    Traceback (most recent call last):
        ...
    ValueError: H_train contains 1 NaN or infinite value(s); clean or impute them first.
    """
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    try:
        X = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise conversion_error(f"{name} must be an array of numbers; could not convert it: {error}") from None
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n_{rows}, {columns}); got shape {X.shape}.")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty (0 {rows}); pass at least one row.")
    if not np.all(np.isfinite(X)):
        bad = int(np.sum(~np.isfinite(X)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean or impute them first.")
    return X
