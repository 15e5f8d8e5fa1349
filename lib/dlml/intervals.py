"""How sure a measured accuracy is: intervals over seeds and paired differences.

:func:`mean_interval` gives each model's mean with a Student-t interval over seeds;
:func:`percent_intervals` the same as percentages, best model first, the form the book's
tables print. :func:`paired_difference` compares two models run on the same seeds (the
same splits): a paired t-interval of their difference, with the correction of Nadeau and
Bengio (2003) when each seed draws a new train/test split, so that the test sets overlap.

Examples
--------
>>> t = pd.DataFrame({"model": ["a", "a", "b", "b"], "seed": [0, 1, 0, 1], "test_accuracy": [0.8, 0.9, 0.7, 0.75]})
>>> percent_intervals(t)["mean"].round(1).tolist()
[85.0, 72.5]
>>> round(paired_difference([80, 90], [70, 75])["mean"], 1)
12.5
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def mean_interval(
    table: pd.DataFrame, by: Sequence[str] = ("model",), value: str = "test_accuracy", level: float = 0.95
) -> pd.DataFrame:
    """Mean of ``value`` per group, with a Student-t confidence interval over seeds.

    Parameters
    ----------
    table : pandas.DataFrame
        E.g. the output of :func:`dlml.compare.compare` or :func:`dlml.compare.learning_curve`.
    by : sequence of str
        Columns that define a group (``("model", "n_train")`` for a learning curve).
    value : str
    level : float
        Confidence level, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``mean``, ``low``, ``high``, ``n`` (the number of seeds), one row per group.
        With a single seed the interval is ``nan``.

    Examples
    --------
    >>> t = pd.DataFrame({"model": ["a"] * 3, "test_accuracy": [0.8, 0.9, 1.0]})
    >>> row = mean_interval(t).loc["a"]
    >>> round(float(row["mean"]), 2), round(float(row["low"]), 3), int(row["n"])
    (0.9, 0.652, 3)
    """
    missing = [c for c in (*by, value) if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks the columns {missing}; it has {list(table.columns)}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    grouped = table.groupby(list(by), sort=False)[value]
    out = grouped.agg(mean="mean", std="std", n="count")
    half = stats.t.ppf(0.5 + level / 2, out["n"] - 1) * out["std"] / np.sqrt(out["n"])
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out[["mean", "low", "high", "n"]]


def percent_intervals(table: pd.DataFrame, level: float = 0.95, value: str = "test_accuracy") -> pd.DataFrame:
    """Each model's mean test accuracy (or other share ``value``) and its interval over seeds
    in percent, best model first.

    The interval is kept within [0, 100]: an accuracy cannot leave it, even where the
    t-interval of a few seeds would.

    Returns
    -------
    pandas.DataFrame
        Columns ``mean``, ``low``, ``high`` (percent) and ``n`` (seeds), indexed by model.
    """
    out = mean_interval(table, level=level, value=value)
    out[["mean", "low", "high"]] = (100 * out[["mean", "low", "high"]]).clip(0, 100)
    return out.sort_values("mean", ascending=False)


def paired_difference(a, b, *, test_over_train: float = 0.0, level: float = 0.95) -> dict:
    """Mean of ``a - b`` over paired runs, with a t-interval, a one-sided upper bound and a p-value.

    Parameters
    ----------
    a, b : array-like of the same length
        The two models' scores on the same seeds, splits or test examples.
    test_over_train : float
        0 for runs on one fixed test set. For re-split designs (each seed draws a new
        train/test split), the ratio of test to training examples: the variance is then
        multiplied by ``1/J + test_over_train`` instead of ``1/J`` (Nadeau and Bengio's
        corrected resampled t-test), because overlapping training sets make the runs
        correlated.
    level : float
        Confidence level of the two-sided interval, in (0, 1).

    Returns
    -------
    dict
        ``mean``, ``low``, ``high`` (the interval), ``upper`` (one-sided bound at ``level``),
        ``p`` (two-sided, for no difference) and ``d`` (the differences). When every
        difference is the same the test is undefined: the bounds are the mean.
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.ndim != 1 or len(d) < 2:
        raise ValueError(f"a and b must be two 1-D sequences of the same length, at least 2; got {len(d)}.")
    if not 0 < level < 1 or test_over_train < 0:
        raise ValueError(f"level must be in (0, 1) and test_over_train >= 0; got {level!r} and {test_over_train!r}.")
    J, mean = len(d), float(d.mean())
    se = float(np.sqrt((1 / J + test_over_train) * d.var(ddof=1)))
    if se == 0:
        return {"mean": mean, "low": mean, "high": mean, "upper": mean, "p": float(mean == 0), "d": d}
    t = stats.t(J - 1)
    half = t.ppf(0.5 + level / 2) * se
    return {
        "mean": mean,
        "low": mean - half,
        "high": mean + half,
        "upper": mean + t.ppf(level) * se,
        "p": float(2 * t.sf(abs(mean) / se)),
        "d": d,
    }
