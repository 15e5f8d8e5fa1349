"""The standard line-up of models the book compares, classical and neural.

Models that care about the scale of their inputs (linear models, k-NN, SVMs, MLPs) are
wrapped in a pipeline with a ``StandardScaler``; trees are not, since they do not care.
Every model takes its seed from :func:`dlml.compare.compare`.

Examples
--------
>>> sorted(model_zoo("tabular"))  # doctest: +NORMALIZE_WHITESPACE
['MLP', 'SVM (RBF)', 'decision tree', 'gradient boosting', 'k-nearest neighbours',
 'logistic regression', 'random forest']
>>> "CNN" in model_zoo("signal")
True
"""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from dlml.estimator import NeuralNetClassifier
from dlml.recipes import mnist1d_cnn

KINDS = ("tabular", "signal")


def classical_models() -> dict[str, BaseEstimator]:
    """Six classical classifiers with scikit-learn's defaults (scaled where it matters)."""
    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "decision tree": DecisionTreeClassifier(),
        "random forest": RandomForestClassifier(n_estimators=200, n_jobs=1),
        "gradient boosting": HistGradientBoostingClassifier(),
        "k-nearest neighbours": make_pipeline(StandardScaler(), KNeighborsClassifier()),
        "SVM (RBF)": make_pipeline(StandardScaler(), SVC()),
    }


def mlp(hidden: tuple[int, ...] = (128, 128), **overrides) -> BaseEstimator:
    """The book's default MLP: scaled inputs, Adam, early stopping on 10 % of the training data.

    Parameters
    ----------
    hidden : tuple of int
        Hidden-layer widths.
    **overrides
        Any other :class:`dlml.estimator.NeuralNetClassifier` argument.
    """
    settings = dict(
        epochs=200, batch_size=64, lr=1e-3, early_stopping=True, validation_fraction=0.1, patience=10, progress=False
    )
    net = NeuralNetClassifier("mlp", {"hidden": tuple(hidden)}, **{**settings, **overrides})
    return make_pipeline(StandardScaler(), net)


def model_zoo(kind: str = "tabular") -> dict[str, BaseEstimator]:
    """The classical models and the MLP; for ``kind="signal"`` also the book's 1-D CNN.

    Parameters
    ----------
    kind : {"tabular", "signal"}
        ``"signal"`` adds the CNN, which needs inputs that are 1-D signals (MNIST-1D).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}.")
    models = {**classical_models(), "MLP": mlp()}
    if kind == "signal":
        models["CNN"] = mnist1d_cnn(progress=False)
    return models
