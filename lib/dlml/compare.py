"""Fit several models on the same data and seeds; return one tidy table.

A neural network (:class:`dlml.estimator.NeuralNetClassifier`) and a classical model
go through the same code: cloned, seeded, fitted, timed, scored, counted.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.tree import DecisionTreeClassifier
>>> from dlml.data import load
>>> table = compare(
...     {"logistic": LogisticRegression(max_iter=5000), "tree": DecisionTreeClassifier(max_depth=3)},
...     load("wine", seed=0), seeds=(0, 1))
>>> list(table.columns)
['model', 'seed', 'test_accuracy', 'fit_seconds', 'predict_seconds', 'n_parameters']
>>> len(table)
4
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline

from dlml.data import Dataset

COLUMNS = ["model", "seed", "test_accuracy", "fit_seconds", "predict_seconds", "n_parameters"]

# Fitted attributes that hold what a classical model has learned.
_LEARNED_ARRAYS = ("coef_", "intercept_", "mean_", "scale_", "support_vectors_", "dual_coef_",
                   "centroids_", "theta_", "var_", "class_prior_", "_fit_X")


def n_parameters(estimator: BaseEstimator) -> int:
    """Count the numbers a fitted model has learned and keeps to predict.

    Weights and biases for networks and linear models; decision nodes for trees and
    their ensembles; stored training values for k-NN and support vectors for SVMs;
    means and scales for scalers; the sum of the steps for a pipeline.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = np.eye(4), np.array([0, 1, 0, 1])
    >>> n_parameters(LogisticRegression().fit(X, y))  # 4 weights and 1 bias
    5
    """
    if isinstance(estimator, Pipeline):
        return sum(n_parameters(step) for _, step in estimator.steps if step != "passthrough")
    if hasattr(estimator, "n_parameters_"):
        return int(estimator.n_parameters_)
    if hasattr(estimator, "tree_"):
        return int(estimator.tree_.node_count)
    if hasattr(estimator, "estimators_"):  # forests, bagging, gradient boosting
        members = np.ravel(np.asarray(estimator.estimators_, dtype=object))
        return sum(n_parameters(m) for m in members)
    if hasattr(estimator, "_predictors"):  # HistGradientBoosting*
        return sum(len(p.nodes) for stage in estimator._predictors for p in stage)
    learned = [a for a in _LEARNED_ARRAYS if hasattr(estimator, a)]
    if "scale_" in learned and "var_" in learned:  # a scaler's variance is its scale squared
        learned.remove("var_")
    return int(sum(np.size(getattr(estimator, a)) for a in learned))


def _with_seed(estimator: BaseEstimator, seed: int) -> BaseEstimator:
    model = clone(estimator)
    keys = [k for k in model.get_params() if k == "seed" or k.split("__")[-1] in ("random_state", "seed")]
    return model.set_params(**{k: seed for k in keys})


def compare(
    models: Mapping[str, BaseEstimator],
    data: Dataset | Callable[[int], Dataset],
    seeds: Sequence[int] = (0, 1, 2),
) -> pd.DataFrame:
    """Fit every model once per seed and measure it on the test set.

    Parameters
    ----------
    models : mapping of name to unfitted estimator
        Each is cloned per seed; any ``random_state`` or ``seed`` parameter (also inside
        a pipeline) is set to the seed.
    data : Dataset or callable
        One fixed split shared by all seeds, or a function ``seed -> Dataset`` that
        makes a new split (or a new sample) for each seed; either way, all models see
        the same data for a given seed.
    seeds : sequence of int

    Returns
    -------
    pandas.DataFrame
        One row per (model, seed), with the columns in ``COLUMNS``.
    """
    if not models:
        raise ValueError("models is empty; give at least one {name: estimator}.")
    for name, model in models.items():
        if not (hasattr(model, "fit") and hasattr(model, "predict")):
            raise ValueError(f"model {name!r} must be an estimator with fit and predict; got {type(model).__name__}.")
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    if not (isinstance(data, Dataset) or callable(data)):
        raise ValueError(f"data must be a Dataset or a function seed -> Dataset; got {type(data).__name__}.")
    rows = []
    for seed in seeds:
        ds = data if isinstance(data, Dataset) else data(seed)
        for name, estimator in models.items():
            model = _with_seed(estimator, seed)
            start = time.perf_counter()
            model.fit(ds.X_train, ds.y_train)
            fitted = time.perf_counter()
            predicted = model.predict(ds.X_test)
            done = time.perf_counter()
            rows.append({
                "model": name, "seed": seed,
                "test_accuracy": accuracy_score(ds.y_test, predicted),
                "fit_seconds": fitted - start, "predict_seconds": done - fitted,
                "n_parameters": n_parameters(model),
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each model's measurements.

    Examples
    --------
    >>> t = pd.DataFrame({"model": ["a", "a"], "seed": [0, 1], "test_accuracy": [0.8, 0.9],
    ...                   "fit_seconds": [1.0, 1.0], "predict_seconds": [0.1, 0.1], "n_parameters": [5, 5]})
    >>> float(summarise(t).loc["a", ("test_accuracy", "mean")].round(2))
    0.85
    """
    missing = set(COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"table lacks the columns {sorted(missing)}; expected those of compare().")
    numeric = [c for c in COLUMNS if c not in ("model", "seed")]
    return table.groupby("model", sort=False)[numeric].agg(["mean", "std"])
