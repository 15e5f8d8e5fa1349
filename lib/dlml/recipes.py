"""The book's tuned models for MNIST-1D, and the search that chose them.

One protocol for both sides. Every model family that enters a comparison on MNIST-1D gets
the same number of configurations (``N_CONFIGS``, listed in ``SEARCH``), each
fitted on the published training split minus a validation split carved from it
(:func:`validation_split`) and scored on that validation split; the test split is not
touched. The first configuration of each family is its default (scikit-learn's, or the
library's for the networks), so the search also shows what tuning was worth.

The configuration each family's search selected is kept here, in ``SELECTED``, so that
a page can use the tuned models without re-running the search; the page
``notebooks/02-dl-vs-ml/00-a-fair-fight.ipynb`` re-runs it, and a test checks that its
selection equals ``SELECTED``.

Examples
--------
>>> sorted(SEARCH) == sorted(SELECTED) == sorted(SHORT_NAMES)
True
>>> all(len(configs) == N_CONFIGS for configs in SEARCH.values())
True
>>> tuned("SVM (RBF)")[-1].C == SELECTED["SVM (RBF)"]["C"]
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from dlml.checks import positive_int
from dlml.data import Dataset
from dlml.estimator import NeuralNetClassifier
from dlml.seeds import book_seed

N_CONFIGS = 6  # configurations per model family: the same search budget for every side
N_VALIDATION = 1000  # signals carved from the 4,000 training signals of the published split

# The book's 1-D CNN: the MNIST-1D paper's three strided convolutions, 48 channels wide.
# The training settings below are the first (default) ones; SELECTED holds the tuned ones.
CNN_MODULE = dict(module="cnn1d", module_params={"channels": 48})

SEARCH: dict[str, list[dict]] = {
    "CNN": [
        dict(epochs=100, lr=1e-2, schedule="constant"),  # the library's first recipe
        dict(epochs=20, lr=1e-2, schedule="cosine"),
        dict(epochs=20, lr=2e-2, schedule="cosine"),
        dict(epochs=40, lr=5e-3, schedule="cosine"),
        dict(epochs=40, lr=1e-2, schedule="cosine"),
        dict(epochs=40, lr=2e-2, schedule="cosine"),
    ],
    "MLP": [
        dict(hidden=(128, 128), dropout=0.0, lr=1e-3, weight_decay=0.0),  # the library's first MLP
        dict(hidden=(256, 256), dropout=0.2, lr=1e-3, weight_decay=0.0),
        dict(hidden=(256, 256), dropout=0.2, lr=3e-3, weight_decay=1e-4),
        dict(hidden=(512, 512), dropout=0.3, lr=1e-3, weight_decay=0.0),
        dict(hidden=(512, 512), dropout=0.3, lr=3e-3, weight_decay=1e-4),
        dict(hidden=(256, 256, 256), dropout=0.2, lr=1e-3, weight_decay=1e-4),
    ],
    "random forest": [
        dict(max_features="sqrt", min_samples_leaf=1),  # scikit-learn's default
        dict(max_features="sqrt", min_samples_leaf=2),
        dict(max_features=0.25, min_samples_leaf=1),
        dict(max_features=0.25, min_samples_leaf=2),
        dict(max_features=0.4, min_samples_leaf=1),
        dict(max_features=0.4, min_samples_leaf=2),
    ],
    "gradient boosting": [
        dict(learning_rate=0.1, max_leaf_nodes=31),  # scikit-learn's default
        dict(learning_rate=0.1, max_leaf_nodes=15),
        dict(learning_rate=0.05, max_leaf_nodes=15),
        dict(learning_rate=0.05, max_leaf_nodes=31),
        dict(learning_rate=0.2, max_leaf_nodes=15),
        dict(learning_rate=0.2, max_leaf_nodes=31),
    ],
    "SVM (RBF)": [
        dict(C=1.0, gamma="scale"),  # scikit-learn's default (gamma = 1 / 40 on scaled signals)
        dict(C=10.0, gamma="scale"),
        dict(C=100.0, gamma="scale"),
        dict(C=1.0, gamma=0.05),
        dict(C=10.0, gamma=0.05),
        dict(C=100.0, gamma=0.05),
    ],
    "k-nearest neighbours": [
        dict(n_neighbors=5, weights="uniform"),  # scikit-learn's default
        dict(n_neighbors=1, weights="uniform"),
        dict(n_neighbors=3, weights="distance"),
        dict(n_neighbors=5, weights="distance"),
        dict(n_neighbors=9, weights="distance"),
        dict(n_neighbors=15, weights="distance"),
    ],
    "logistic regression": [
        dict(C=1.0),  # scikit-learn's default
        dict(C=0.01),
        dict(C=0.1),
        dict(C=10.0),
        dict(C=100.0),
        dict(C=1000.0),
    ],
}

# Each family's short name, for glue keys and compact tables.
SHORT_NAMES: dict[str, str] = {
    "CNN": "cnn",
    "MLP": "mlp",
    "random forest": "forest",
    "gradient boosting": "boosting",
    "SVM (RBF)": "svm",
    "k-nearest neighbours": "knn",
    "logistic regression": "logreg",
}

# What the search in 00-a-fair-fight selected, family by family (a test checks the page).
SELECTED: dict[str, dict] = {
    "CNN": SEARCH["CNN"][5],
    "MLP": SEARCH["MLP"][4],
    "random forest": SEARCH["random forest"][4],
    "gradient boosting": SEARCH["gradient boosting"][4],
    "SVM (RBF)": SEARCH["SVM (RBF)"][4],
    "k-nearest neighbours": SEARCH["k-nearest neighbours"][3],
    "logistic regression": SEARCH["logistic regression"][1],
}

# The tuned CNN, as NeuralNetClassifier arguments: module, width and training settings.
MNIST1D_CNN = dict(**CNN_MODULE, batch_size=100, **SELECTED["CNN"])


def build(name: str, config: Mapping | None = None, seed: int = book_seed(0)) -> BaseEstimator:
    """An unfitted model of family ``name`` with the settings ``config`` (default: the tuned ones).

    Parameters
    ----------
    name : str
        A family of ``SEARCH``, such as ``"SVM (RBF)"`` or ``"CNN"``.
    config : mapping, optional
        That family's settings, one of ``SEARCH[name]`` or any other with the same keys.
    seed : int
        The random state of the model (ignored by deterministic ones).

    Examples
    --------
    >>> build("k-nearest neighbours", {"n_neighbors": 3, "weights": "distance"})[-1].n_neighbors
    3
    """
    if name not in SEARCH:
        raise ValueError(f"unknown model family {name!r}; choose one of {sorted(SEARCH)}.")
    config = dict(SELECTED[name] if config is None else config)
    expected = set(SEARCH[name][0])
    if set(config) != expected:
        raise ValueError(f"the settings of {name!r} are {sorted(expected)}; got {sorted(config)}.")
    scaled = lambda model: make_pipeline(StandardScaler(), model)  # noqa: E731
    if name == "CNN":
        return NeuralNetClassifier(**CNN_MODULE, batch_size=100, random_state=seed, progress=False, **config)
    if name == "MLP":
        module_params = {"hidden": tuple(config.pop("hidden")), "dropout": config.pop("dropout")}
        return scaled(
            NeuralNetClassifier(
                "mlp",
                module_params,
                epochs=40,
                batch_size=100,
                schedule="cosine",
                random_state=seed,
                progress=False,
                **config,
            )
        )
    if name == "random forest":
        return RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=seed, **config)
    if name == "gradient boosting":
        return HistGradientBoostingClassifier(random_state=seed, **config)
    if name == "SVM (RBF)":
        return scaled(SVC(**config))
    if name == "k-nearest neighbours":
        return scaled(KNeighborsClassifier(**config))
    return scaled(LogisticRegression(max_iter=5000, **config))


def tuned(name: str, seed: int = book_seed(0)) -> BaseEstimator:
    """The tuned model of family ``name``: :func:`build` with ``SELECTED[name]``.

    >>> tuned("random forest", seed=3).random_state
    3
    """
    return build(name, None, seed)


def tuned_line_up(names: Sequence[str] | None = None, seed: int = book_seed(0)) -> dict[str, BaseEstimator]:
    """The tuned models of ``names`` (default: every family), by name, ready for :func:`dlml.compare.compare`.

    >>> list(tuned_line_up(["CNN", "SVM (RBF)"]))
    ['CNN', 'SVM (RBF)']
    """
    names = list(SEARCH) if names is None else list(names)
    return {name: tuned(name, seed) for name in names}


def mnist1d_cnn(seed: int = book_seed(0), **overrides) -> NeuralNetClassifier:
    """The book's tuned 1-D CNN for MNIST-1D, unfitted; ``overrides`` change any argument.

    >>> mnist1d_cnn(seed=1, epochs=5).get_params()["module_params"]
    {'channels': 48}
    """
    return NeuralNetClassifier(**{**MNIST1D_CNN, "random_state": seed, "progress": False, **overrides})


def validation_split(ds: Dataset, n_validation: int = N_VALIDATION, seed: int = book_seed(0)) -> Dataset:
    """The training part of ``ds`` split in two: a smaller training part and a validation part.

    The returned ``Dataset`` holds the validation signals where the test signals would be,
    so that :func:`dlml.compare.compare` scores on validation data; the test split of ``ds``
    is not in it. The split is stratified by class.

    >>> from dlml.data import load
    >>> v = validation_split(load("moons", n_train=400, n_test=100, seed=0), n_validation=100)
    >>> len(v.y_train), len(v.y_test)
    (300, 100)
    """
    n_validation = positive_int("n_validation", n_validation)
    if n_validation >= len(ds.y_train):
        raise ValueError(
            f"n_validation must be smaller than the {len(ds.y_train)} training examples; got {n_validation}."
        )
    X_fit, X_val, y_fit, y_val = train_test_split(
        ds.X_train, ds.y_train, test_size=n_validation, random_state=seed, stratify=ds.y_train
    )
    return Dataset(
        f"{ds.name} (validation split)",
        X_fit,
        y_fit,
        X_val,
        y_val,
        ds.feature_names,
        ds.class_names,
        ds.description,
        {**ds.meta, "validation_of": ds.name},
    )


def search_models(names: Sequence[str] | None = None) -> dict[str, BaseEstimator]:
    """Every configuration of ``SEARCH`` as an unfitted model, named ``"family #i"``.

    >>> list(search_models(["logistic regression"]))[:2]
    ['logistic regression #1', 'logistic regression #2']
    """
    names = list(SEARCH) if names is None else list(names)
    return {f"{name} #{i + 1}": build(name, config) for name in names for i, config in enumerate(SEARCH[name])}


def selection(results: pd.DataFrame) -> dict[str, dict]:
    """Each family's selected configuration, from the validation results of :func:`search_models`.

    ``results`` is a table of :func:`dlml.compare.compare` with models named ``"family #i"``;
    the configuration with the highest mean validation accuracy over its seeds wins, the
    earlier one in ``SEARCH`` on a tie (the default comes first).
    """
    if not {"model", "test_accuracy"} <= set(results.columns):
        raise ValueError("results must have the columns 'model' and 'test_accuracy' of dlml.compare.compare.")
    mean = results.groupby("model", sort=False)["test_accuracy"].mean()
    chosen = {}
    for name, configs in SEARCH.items():
        keys = [f"{name} #{i + 1}" for i in range(len(configs))]
        if any(k in mean for k in keys):
            scores = np.array([mean.get(k, -np.inf) for k in keys])
            chosen[name] = configs[int(np.argmax(scores))]
    return chosen
