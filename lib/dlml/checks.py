"""Input checks shared by the library: a clear error for bad data, in one place.

One policy everywhere: an argument of the wrong kind (a string or a float where a whole
number belongs) raises ``TypeError``; a value of the right kind outside what is accepted
raises ``ValueError``. Either message names the argument, says what is accepted and shows
what was given. NumPy's integers count as integers; booleans do not, although Python
counts them as such.

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

import os

import numpy as np
import torch


def _integer_words(minimum: int, maximum: int | None, none_ok: bool) -> str:
    if maximum is not None:
        words = f"an integer from {minimum} to {maximum}"
    else:
        words = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
    return f"None or {words}" if none_ok else words


def integer(name: str, value: object, *, minimum: int = 1, maximum: int | None = None, none_ok: bool = False):
    """``value`` as an ``int`` from ``minimum`` to ``maximum`` (``None`` too if ``none_ok``).

    Raises
    ------
    TypeError
        If ``value`` is not a whole number (``2.0``, ``"3"`` and ``True`` are not).
    ValueError
        If it is one, outside the accepted range.

    Examples
    --------
    >>> integer("seed", np.int64(7), minimum=0)
    7
    >>> integer("digits", 0, maximum=15)
    Traceback (most recent call last):
        ...
    ValueError: digits must be an integer from 1 to 15; got 0.
    >>> integer("epochs", 2.5)
    Traceback (most recent call last):
        ...
    TypeError: epochs must be a positive integer; got 2.5.
    """
    if value is None and none_ok:
        return None
    words = _integer_words(minimum, maximum, none_ok)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {words}; got {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {words}; got {value!r}.")
    return int(value)


def positive_int(name: str, value: object) -> int:
    """``value`` as an ``int`` of at least 1 (see :func:`integer`).

    >>> positive_int("epochs", 0)
    Traceback (most recent call last):
        ...
    ValueError: epochs must be a positive integer; got 0.
    """
    return integer(name, value, minimum=1)


def env_integer(variable: str, text: str | None = None, *, minimum: int, maximum: int, example: str) -> int | None:
    """The whole number set in the environment variable ``variable`` (or given as ``text``); None if unset.

    A setting that is not a whole number from ``minimum`` to ``maximum`` is a ``ValueError``
    that names the variable and gives an ``example`` of a good value.

    >>> env_integer("DLML_MAX_JOBS", "1", minimum=1, maximum=64, example="1")
    1
    >>> env_integer("DLML_MAX_JOBS", "two", minimum=1, maximum=64, example="1")
    Traceback (most recent call last):
        ...
    ValueError: DLML_MAX_JOBS must be a whole number >= 1, such as 1; got 'two'.
    """
    text = os.environ.get(variable, "") if text is None else text
    if text.strip() == "":
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"{variable} must be a whole number >= {minimum}, such as {example}; got {text!r}.") from None
    if not minimum <= number <= maximum:
        raise ValueError(f"{variable} must be between {minimum} and {maximum}; got {number}.")
    return number


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


def check_width(x: torch.Tensor, width: int, model: str) -> None:
    """Fail with a message unless ``x`` is a batch of rows of ``width`` values each.

    The networks call it first in ``forward``, so that data of the wrong shape fails here
    rather than with a shape error deep inside a matrix multiply.

    >>> check_width(torch.zeros(3, 5), 4, "MLP")
    Traceback (most recent call last):
        ...
    ValueError: MLP expects input of shape (batch, 4); got (3, 5).
    """
    if x.ndim != 2 or x.shape[1] != width:
        raise ValueError(f"{model} expects input of shape (batch, {width}); got {tuple(x.shape)}.")
