"""Changes to a table that isolate what a model relies on, after Grinsztajn, Oyallon and Varoquaux (2022).

Each function takes a split table and returns a changed copy; the test rows change in
the same way as the training rows, except that :func:`smooth_target` smooths the training
labels only, so that a model is still scored on the real answers.

- :func:`numeric_part`: the numeric columns only, gaps filled with the training median,
  each column standardised with the training mean and deviation. The other probes start
  from it, since a rotation or a distance needs numbers on one scale.
- :func:`add_noise_columns`: columns of random numbers that say nothing about the class.
  A model that cannot ignore them loses accuracy.
- :func:`rotate`: the rows turned by one random rotation of the feature space. The
  distances between rows, and so what a rotation-invariant learner such as an MLP can
  learn, do not change; but each new column mixes all the old ones, so a split on one
  column no longer follows one measurement, which is what trees rely on.
- :func:`smooth_target`: each training label replaced by the majority of its neighbours,
  weighted by a Gaussian kernel of the distance. The irregular parts of the boundary
  between classes are erased from the training data, which matters for a model that
  learns them (trees) and not for one that would have smoothed them anyway.

Examples
--------
>>> from dlml import data
>>> ds = numeric_part(data.load("credit_data", n_train=200, n_test=100, seed=0))
>>> ds.n_features, bool(np.isnan(ds.X_train).any())
(9, False)
>>> add_noise_columns(ds, 9, seed=0).n_features
18
>>> r = rotate(ds, seed=0)
>>> bool(np.allclose(np.linalg.norm(r.X_train, axis=1), np.linalg.norm(ds.X_train, axis=1), atol=1e-4))
True
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import special_ortho_group

from dlml.checks import positive_int
from dlml.data import Dataset


def _check(ds: Dataset) -> None:
    if not isinstance(ds, Dataset):
        raise TypeError(f"ds must be a dlml.data.Dataset; got {type(ds).__name__}.")


def _with(ds: Dataset, what: str, **changes) -> Dataset:
    """A copy of ``ds`` with some fields changed and ``what`` added to its description."""
    return dataclasses.replace(ds, description=f"{ds.description} Then: {what}.", **changes)


def numeric_part(ds: Dataset) -> Dataset:
    """The numeric columns of ``ds``: gaps filled with the training median, then standardised.

    The categorical columns (``ds.meta["categorical"]``) are dropped. Raises ``ValueError``
    when no numeric column is left.
    """
    _check(ds)
    categorical = set(ds.meta.get("categorical", ()))
    keep = [i for i in range(ds.n_features) if i not in categorical]
    if not keep:
        raise ValueError(f"{ds.name} has no numeric column; every column is categorical.")
    train, test = ds.X_train[:, keep].astype(np.float64), ds.X_test[:, keep].astype(np.float64)
    median = np.nanmedian(train, axis=0)
    median = np.where(np.isnan(median), 0.0, median)  # a column with no value at all in training
    train, test = np.where(np.isnan(train), median, train), np.where(np.isnan(test), median, test)
    mean, std = train.mean(axis=0), train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    meta = {k: v for k, v in ds.meta.items() if k not in ("categorical", "categories")}
    return _with(
        ds,
        "numeric columns only, gaps filled with the training median, standardised",
        X_train=((train - mean) / std).astype(np.float32),
        X_test=((test - mean) / std).astype(np.float32),
        feature_names=tuple(ds.feature_names[i] for i in keep),
        meta=meta,
    )


def add_noise_columns(ds: Dataset, n: int, seed: int = 0) -> Dataset:
    """``ds`` with ``n`` more columns of standard normal noise, independent of the class.

    >>> from dlml import data
    >>> noisy = add_noise_columns(data.load("wine", seed=0), 2, seed=1)
    >>> noisy.feature_names[-2:]
    ('noise 1', 'noise 2')
    """
    _check(ds)
    positive_int("n", n)
    rng = np.random.default_rng(seed)
    extra = [rng.standard_normal((len(y), n)).astype(np.float32) for y in (ds.y_train, ds.y_test)]
    return _with(
        ds,
        f"{n} columns of random noise added",
        X_train=np.hstack([ds.X_train, extra[0]]),
        X_test=np.hstack([ds.X_test, extra[1]]),
        feature_names=(*ds.feature_names, *(f"noise {i + 1}" for i in range(n))),
    )


def rotate(ds: Dataset, seed: int = 0) -> Dataset:
    """``ds`` with every row multiplied by one random rotation matrix (uniform over rotations).

    Needs numbers without gaps (see :func:`numeric_part`); the columns are renamed, since
    each now mixes all the old ones.
    """
    _check(ds)
    for X in (ds.X_train, ds.X_test):
        if np.isnan(X).any():
            raise ValueError(f"{ds.name} has missing values; rotate numeric_part(ds) instead.")
    if ds.n_features < 2:
        raise ValueError(f"a rotation needs at least 2 columns; {ds.name} has {ds.n_features}.")
    turn = special_ortho_group.rvs(ds.n_features, random_state=seed)
    return _with(
        ds,
        "rows turned by a random rotation",
        X_train=(ds.X_train @ turn).astype(np.float32),
        X_test=(ds.X_test @ turn).astype(np.float32),
        feature_names=tuple(f"rotated {i + 1}" for i in range(ds.n_features)),
    )


def _squared_distances(X: np.ndarray) -> np.ndarray:
    X = X.astype(np.float64)
    squared = np.sum(X**2, axis=1)
    return np.maximum(squared[:, None] + squared[None, :] - 2 * X @ X.T, 0.0)


def _smoothed_labels(distances: np.ndarray, y: np.ndarray, n_classes: int, length_scale: float) -> np.ndarray:
    weights = np.exp(-distances / (2 * length_scale**2))  # a row's own weight is 1: never all zero
    return (weights @ np.eye(n_classes)[y]).argmax(axis=1).astype(y.dtype)


def _check_smoothable(ds: Dataset) -> None:
    _check(ds)
    if np.isnan(ds.X_train).any():
        raise ValueError(f"{ds.name} has missing values; smooth numeric_part(ds) instead.")


def smooth_target(ds: Dataset, length_scale: float) -> Dataset:
    """``ds`` with each training label replaced by the kernel-weighted majority of all training labels.

    Row :math:`i` gets the class :math:`c` with the largest
    :math:`\\sum_j \\exp(-\\lVert x_i - x_j \\rVert^2 / 2\\ell^2)\\,[y_j = c]`, its own label
    included; the larger the length scale :math:`\\ell`, the smoother the new boundary
    between classes. The test labels are left as they are.

    >>> import numpy as np
    >>> from dlml import data
    >>> ds = numeric_part(data.load("credit_data", n_train=300, n_test=100, seed=0))
    >>> bool((smooth_target(ds, 1e-3).y_train == ds.y_train).all())  # a tiny scale changes nothing
    True
    >>> len(np.unique(smooth_target(ds, 1e3).y_train))  # a huge one leaves the majority class
    1
    """
    _check_smoothable(ds)
    if isinstance(length_scale, bool) or not isinstance(length_scale, (int, float)) or not length_scale > 0:
        raise ValueError(f"length_scale must be a number > 0; got {length_scale!r}.")
    y = _smoothed_labels(_squared_distances(ds.X_train), ds.y_train, ds.n_classes, length_scale)
    return _with(ds, f"training labels smoothed with a Gaussian kernel, length scale {length_scale:.3g}", y_train=y)


def length_scale_for(ds: Dataset, share: float, steps: int = 30) -> float:
    """The length scale at which :func:`smooth_target` changes about ``share`` of the training labels.

    Tables differ in width and spread, so one length scale smooths one table a little and
    another a lot; a share of changed labels makes the probe equally strong on each. Found by
    bisection on a log scale (``steps`` halvings between 1e-3 and 1e3 standard deviations).

    >>> from dlml import data
    >>> ds = numeric_part(data.load("credit_data", n_train=300, n_test=100, seed=0))
    >>> ell = length_scale_for(ds, 0.1)
    >>> abs(float((smooth_target(ds, ell).y_train != ds.y_train).mean()) - 0.1) < 0.02
    True
    """
    _check_smoothable(ds)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1:
        raise ValueError(f"share must be a number in (0, 1); got {share!r}.")
    positive_int("steps", steps)
    distances = _squared_distances(ds.X_train)
    low, high = np.log(1e-3), np.log(1e3)
    for _ in range(steps):
        middle = (low + high) / 2
        changed = np.mean(_smoothed_labels(distances, ds.y_train, ds.n_classes, float(np.exp(middle))) != ds.y_train)
        low, high = (middle, high) if changed < share else (low, middle)
    return float(np.exp((low + high) / 2))
