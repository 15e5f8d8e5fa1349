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
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline

from dlml.checks import positive_int
from dlml.data import Dataset
from dlml.parallel import parallel_starmap

COLUMNS = ["model", "seed", "test_accuracy", "fit_seconds", "predict_seconds", "n_parameters"]

# Fitted attributes that hold what a classical model has learned.
_LEARNED_ARRAYS = (
    "coef_",
    "intercept_",
    "mean_",
    "scale_",
    "support_vectors_",
    "dual_coef_",
    "centroids_",
    "theta_",
    "var_",
    "class_prior_",
    "_fit_X",
)


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


def with_seed(estimator: BaseEstimator, seed: int) -> BaseEstimator:
    """An unfitted copy of ``estimator`` with every ``random_state`` set to ``seed``.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> with_seed(RandomForestClassifier(), 3).random_state
    3
    """
    model = clone(estimator)
    keys = [k for k in model.get_params() if k.split("__")[-1] == "random_state"]
    return model.set_params(**{k: seed for k in keys})


def roc_auc(y_true: np.ndarray, probabilities: np.ndarray) -> float:
    """The area under the ROC curve: for two classes, the chance that a random positive example
    scores above a random negative one; for more, the mean of each class against the rest.

    Unlike accuracy it does not depend on a threshold, so it separates models on tables
    where almost every row has the same class and accuracy barely moves from the share of
    that class.

    Examples
    --------
    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]]))
    1.0
    """
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ValueError(f"probabilities must have shape (n, classes >= 2); got {probabilities.shape}.")
    if probabilities.shape[1] == 2:
        return float(roc_auc_score(y_true, probabilities[:, 1]))
    return float(roc_auc_score(y_true, probabilities, multi_class="ovr", labels=np.arange(probabilities.shape[1])))


def _fit_and_measure(
    name: str,
    estimator: BaseEstimator,
    ds: Dataset,
    seed: int,
    score_train: bool,
    score_auc: bool = False,
    measure: Callable[[BaseEstimator, Dataset], Mapping] | None = None,
) -> dict:
    model = with_seed(estimator, seed)
    start = time.perf_counter()
    model.fit(ds.X_train, ds.y_train)
    fitted = time.perf_counter()
    predicted = model.predict(ds.X_test)
    done = time.perf_counter()
    row = {
        "model": name,
        "seed": seed,
        "test_accuracy": accuracy_score(ds.y_test, predicted),
        "fit_seconds": fitted - start,
        "predict_seconds": done - fitted,
        "n_parameters": n_parameters(model),
    }
    if score_train:
        row["train_accuracy"] = accuracy_score(ds.y_train, model.predict(ds.X_train))
    if score_auc:
        row["test_auc"] = roc_auc(ds.y_test, model.predict_proba(ds.X_test))
    if measure is not None:
        extra = measure(model, ds)
        if not isinstance(extra, Mapping) or set(extra) & set(row):
            raise ValueError(
                f"measure must return a mapping of new column names to values, none of {sorted(row)}; got {extra!r}."
            )
        row.update(extra)
    return row


def compare(
    models: Mapping[str, BaseEstimator],
    data: Dataset | Callable[[int], Dataset],
    seeds: Sequence[int] = (0, 1, 2),
    *,
    score_train: bool = False,
    auc: bool = False,
    measure: Callable[[BaseEstimator, Dataset], Mapping] | None = None,
    n_jobs: int = 1,
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
    score_train : bool
        Also measure accuracy on the training set (column ``train_accuracy``), to see
        the gap between the two.
    auc : bool
        Also measure the area under the ROC curve on the test set (column ``test_auc``,
        :func:`roc_auc`); every model needs ``predict_proba``.
    measure : callable, optional
        ``(fitted model, Dataset) -> {column: value}``: more numbers to keep from each
        fit, say the epochs a network trained for; run where the model was fitted.
    n_jobs : int
        Processes to run (model, seed) fits in parallel. Accuracies do not change; fit
        times do, since parallel fits share the machine: time with ``n_jobs=1``.

    Returns
    -------
    pandas.DataFrame
        One row per (model, seed), with the columns in ``COLUMNS``
        (and ``train_accuracy``, ``test_auc`` and the columns of ``measure`` when asked).
    """
    _check_models(models)
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    if not (isinstance(data, Dataset) or callable(data)):
        raise ValueError(f"data must be a Dataset or a function seed -> Dataset; got {type(data).__name__}.")
    table = compare_tasks({"": data}, models, seeds, score_train=score_train, auc=auc, measure=measure, n_jobs=n_jobs)
    return table.drop(columns="task")


def compare_tasks(
    tasks: Mapping[str, Dataset | Callable[[int], Dataset]],
    models: Mapping[str, BaseEstimator]
    | Mapping[str, Mapping[str, BaseEstimator]]
    | Callable[[Dataset], Mapping[str, BaseEstimator]],
    seeds: Sequence[int] = (0, 1, 2),
    *,
    score_train: bool = False,
    auc: bool = False,
    measure: Callable[[BaseEstimator, Dataset], Mapping] | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """:func:`compare` on several tasks at once, all fits in one pass over the processes.

    Parameters
    ----------
    tasks : mapping of name to Dataset or callable ``seed -> Dataset``
        E.g. one entry per real table, each making a new split for each seed.
    models : mapping of name to unfitted estimator, mapping of task name to such mappings, or callable
        The same models for every task; each task its own models (keyed as ``tasks`` are);
        or a function ``Dataset -> mapping`` that builds them for each task and seed, say
        for a table's own categorical columns (:func:`dlml.tabular.line_up`).
    seeds, score_train, auc, measure, n_jobs
        As in :func:`compare`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`compare`, after a first column ``task``; one row per
        (task, seed, model), in that order.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from dlml.data import load
    >>> table = compare_tasks({"moons": lambda seed: load("moons", n_train=50, n_test=50, seed=seed),
    ...                        "wine": lambda seed: load("wine", seed=seed)},
    ...                       {"tree": DecisionTreeClassifier(max_depth=2)}, seeds=(0, 1), auc=True)
    >>> table.groupby("task").size().to_dict(), bool(table["test_auc"].between(0.5, 1).all())
    ({'moons': 2, 'wine': 2}, True)
    """
    if not tasks:
        raise ValueError("tasks is empty; give at least one {name: Dataset or function seed -> Dataset}.")
    for name, data in tasks.items():
        if not (isinstance(data, Dataset) or callable(data)):
            raise ValueError(
                f"task {name!r} must be a Dataset or a function seed -> Dataset; got {type(data).__name__}."
            )
    if not (isinstance(models, Mapping) or callable(models)):
        raise ValueError(f"models must be a mapping or a function Dataset -> mapping; got {type(models).__name__}.")
    per_task = isinstance(models, Mapping) and bool(models) and all(isinstance(m, Mapping) for m in models.values())
    if per_task and set(models) != set(tasks):
        raise ValueError(f"models per task must name every task once: {sorted(tasks)}; got {sorted(models)}.")
    if isinstance(models, Mapping) and not per_task:
        _check_models(models)
    if measure is not None and not callable(measure):
        raise ValueError(f"measure must be a function (fitted model, Dataset) -> mapping; got {measure!r}.")
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    _check_n_jobs(n_jobs)
    tasks_jobs = []
    for task, data in tasks.items():
        for seed in seeds:
            ds = data if isinstance(data, Dataset) else data(seed)
            if per_task:
                task_models = models[task]
            else:
                task_models = models if isinstance(models, Mapping) else models(ds)
            _check_models(task_models)
            tasks_jobs += [
                (task, (name, est, ds, seed, score_train, auc, measure)) for name, est in task_models.items()
            ]
    columns = COLUMNS + ["train_accuracy"] * score_train + ["test_auc"] * auc
    table = pd.DataFrame(_run([job for _, job in tasks_jobs], n_jobs))
    extra = [c for c in table.columns if c not in columns]  # from measure
    return table.assign(task=[t for t, _ in tasks_jobs])[["task", *columns, *extra]]


def _check_models(models: Mapping[str, BaseEstimator]) -> None:
    if not models:
        raise ValueError("models is empty; give at least one {name: estimator}.")
    for name, model in models.items():
        if not (hasattr(model, "fit") and hasattr(model, "predict")):
            raise ValueError(f"model {name!r} must be an estimator with fit and predict; got {type(model).__name__}.")


def _check_n_jobs(n_jobs: int) -> None:
    positive_int("n_jobs", n_jobs)


def _run(jobs: list[tuple], n_jobs: int) -> list[dict]:
    """``_fit_and_measure`` on every job, in one pass over ``n_jobs`` processes; rows in job order."""
    return parallel_starmap(_fit_and_measure, jobs, n_jobs=n_jobs)


def learning_curve(
    models: Mapping[str, BaseEstimator] | Callable[[int], Mapping[str, BaseEstimator]],
    load_data: Callable[[int, int], Dataset],
    sizes: Sequence[int],
    seeds: Sequence[int] = (0, 1, 2),
    *,
    score_train: bool = False,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Measure every model at several training-set sizes, several seeds each.

    All fits run in one pass over ``n_jobs`` processes, the largest size first, so that
    the processes finish together instead of idling at the end of every size.

    Parameters
    ----------
    models : mapping of name to unfitted estimator, or a callable ``n_train -> mapping``
        A callable builds the models for each size (say, more epochs for less data).
    load_data : callable
        ``(n_train, seed) -> Dataset``; for a given seed, every model sees the same data.
    sizes : sequence of int
        Training-set sizes, each a positive integer.
    seeds, score_train, n_jobs
        As in :func:`compare`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`compare` plus ``n_train``; one row per (size, seed, model),
        sizes in the order given.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from dlml.data import load
    >>> curve = learning_curve({"tree": DecisionTreeClassifier()},
    ...                        lambda n, seed: load("moons", n_train=n, n_test=200, seed=seed),
    ...                        sizes=[20, 200], seeds=[0, 1])
    >>> curve.groupby("n_train").size().tolist()
    [2, 2]
    """
    if not sizes or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes):
        raise ValueError(f"sizes must be a non-empty sequence of positive integers; got {sizes!r}.")
    if not callable(load_data):
        raise ValueError(f"load_data must be a function (n_train, seed) -> Dataset; got {type(load_data).__name__}.")
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    _check_n_jobs(n_jobs)
    per_size = {int(n): models(int(n)) if callable(models) else models for n in sizes}
    for size_models in per_size.values():
        _check_models(size_models)
    datasets = {(n, seed): load_data(n, seed) for n in per_size for seed in seeds}
    jobs = [
        (n, (name, est, datasets[n, seed], seed, score_train))
        for n, size_models in per_size.items()
        for seed in seeds
        for name, est in size_models.items()
    ]
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][0])  # the largest size first
    rows = dict(zip(order, _run([jobs[i][1] for i in order], n_jobs)))
    columns = COLUMNS + (["train_accuracy"] if score_train else [])
    table = pd.DataFrame([rows[i] for i in range(len(jobs))], columns=columns)
    return table.assign(n_train=[n for n, _ in jobs])


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
