"""Models for real tables, each family given its inputs the way it expects them.

A real table (:mod:`dlml.tables`) arrives as numbers with two complications: categorical
columns, coded 0, 1, 2, ... (``Dataset.meta["categorical"]``), and missing values (NaN).

- Gradient-boosted trees read both natively: the categorical columns are declared, so a
  split can send any subset of categories left, and a missing value learns its own branch.
  :class:`CatBoost` (a second boosting library) encodes each category by the mean class of
  the rows seen before it, in a random order, instead.
- A random forest reads missing values natively and the category codes as numbers.
- Linear models and networks need every input on one scale and no gaps
  (:func:`encoder`): a numeric column's missing values become its median, with a column
  that marks where they were; numbers are standardised; categories are one-hot encoded.

Examples
--------
>>> from dlml import data
>>> ds = data.load("penguins", seed=0)
>>> sorted(line_up(ds))
['CatBoost', 'MLP', 'gradient boosting', 'logistic regression', 'random forest', 'tabular network']
>>> encoder(ds).fit_transform(ds.X_train).shape[1]  # 5 numbers, 4 of them with gaps, 3 islands, 2 sexes
14
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y

from dlml import zoo
from dlml.checks import integer, positive_int
from dlml.data import Dataset
from dlml.seeds import book_seed

PATIENCE = 5  # rounds without a lower validation loss before boosting or a network stops


def _columns(ds: Dataset) -> tuple[list[int], list[int]]:
    """The indices of the numeric and of the categorical columns of ``ds``."""
    if not isinstance(ds, Dataset):
        raise TypeError(f"ds must be a dlml.data.Dataset; got {type(ds).__name__}.")
    categorical = list(ds.meta.get("categorical", ()))
    return [i for i in range(ds.n_features) if i not in categorical], categorical


def encoder(ds: Dataset) -> ColumnTransformer:
    """The input preparation of linear models and networks for the columns of ``ds`` (unfitted).

    Numeric columns: median for a missing value, plus a 0/1 column per column that had
    gaps in the training data, then standardised. Categorical columns: the most frequent
    category for a missing value, then one-hot; a category unseen in training is all zeros.
    """
    numeric, categorical = _columns(ds)
    parts = [
        ("numbers", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numeric),
        (
            "categories",
            make_pipeline(
                SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)
            ),
            categorical,
        ),
    ]
    return ColumnTransformer([part for part in parts if part[2]])


def line_up(ds: Dataset, seed: int = book_seed(0)) -> dict[str, BaseEstimator]:
    """Unfitted classical models and two networks for the table ``ds``, each with its library's defaults.

    Equal effort: no model is tuned. The four that learn in rounds (boosting from
    scikit-learn and from CatBoost, and the two networks) stop early on the same terms: 10 %
    of the training rows held out, and training stops once the loss on them has not improved
    for ``PATIENCE`` rounds (epochs for the networks, trees for boosting). The networks are
    the book's default MLP and a :class:`dlml.table_net.TableNet` (periodic embeddings, an
    ensemble of four in one network), trained alike.

    Parameters
    ----------
    ds : Dataset
        A table from :func:`dlml.data.load`; its ``meta["categorical"]`` (if any) says
        which columns hold category codes.
    seed : int
        The random state of the models that have one.
    """
    _, categorical = _columns(ds)
    mask = [i in categorical for i in range(ds.n_features)]
    mlp = zoo.mlp(random_state=seed, patience=PATIENCE)[-1]  # the book's default MLP; the encoder scales instead
    table_net = clone(mlp).set_params(module="table_net", module_params={})  # the same training settings
    boosting = HistGradientBoostingClassifier(
        categorical_features=mask,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=PATIENCE,
        random_state=seed,
    )
    return {
        "logistic regression": make_pipeline(encoder(ds), LogisticRegression(max_iter=5000)),
        "random forest": RandomForestClassifier(n_jobs=1, random_state=seed),
        "gradient boosting": boosting,
        "MLP": make_pipeline(encoder(ds), mlp),
        "tabular network": make_pipeline(encoder(ds), table_net),
        "CatBoost": catboost(ds, seed),
    }


class CatBoost(ClassifierMixin, BaseEstimator):
    """CatBoost's gradient boosting at its defaults, stopped early on the terms of :func:`line_up`.

    A share ``validation_fraction`` of the training rows (stratified) is held out, and
    boosting stops once their loss has not improved for ``patience`` rounds; the best
    round's trees are kept. Categorical columns hold codes (``Dataset.meta["categorical"]``);
    CatBoost reads them as categories, a missing code as a category of its own. One
    thread, and no files written (CatBoost otherwise logs to ``catboost_info/``).

    Parameters
    ----------
    categorical : sequence of int
        The indices of the categorical columns.
    validation_fraction : float
        Share of the training rows held out for early stopping, in (0, 1).
    patience : int
        Rounds without a lower validation loss before training stops.
    random_state : int

    Attributes
    ----------
    categorical_ : list of int
        The categorical columns, checked against the width of the training data.
    n_iter_ : int
        The rounds kept (the best one on the held-out rows).

    Examples
    --------
    >>> from dlml import data
    >>> ds = data.load("credit_data", n_train=300, n_test=100, seed=0)
    >>> model = CatBoost(categorical=ds.meta["categorical"]).fit(ds.X_train, ds.y_train)
    >>> model.predict_proba(ds.X_test).shape
    (100, 2)
    """

    def __init__(
        self,
        categorical=(),
        validation_fraction: float = 0.1,
        patience: int = PATIENCE,
        random_state: int = book_seed(0),
    ):
        self.categorical = categorical
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state

    def fit(self, X, y):
        try:
            from catboost import CatBoostClassifier
        except ModuleNotFoundError:
            raise ModuleNotFoundError(
                'CatBoost is not installed; install it with: pip install catboost (or pip install "dlml[tables]").'
            ) from None
        X, y = check_X_y(X, y, ensure_all_finite="allow-nan")
        if not 0 < self.validation_fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1); got {self.validation_fraction!r}.")
        patience = positive_int("patience", self.patience)
        self.categorical_ = [
            integer("a categorical column", c, minimum=0, maximum=X.shape[1] - 1) for c in self.categorical
        ]
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y must hold at least 2 classes; got {len(self.classes_)}.")
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, codes, test_size=self.validation_fraction, stratify=codes, random_state=self.random_state
        )
        self.model_ = CatBoostClassifier(
            random_seed=self.random_state,
            thread_count=1,
            verbose=0,
            allow_writing_files=False,
            cat_features=self.categorical_ or None,
        )
        self.model_.fit(self._frame(X_fit), y_fit, eval_set=(self._frame(X_val), y_val), early_stopping_rounds=patience)
        self.n_features_in_ = X.shape[1]
        self.n_iter_ = self.model_.tree_count_  # the rounds kept
        return self

    def _frame(self, X: np.ndarray) -> pd.DataFrame:
        """The rows with each categorical column as integer codes (-1 for a missing one)."""
        frame = pd.DataFrame(X)
        for c in self.categorical_:
            frame[c] = frame[c].fillna(-1).astype(np.int64)
        return frame

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = check_array(X, ensure_all_finite="allow-nan")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} columns; the model was fitted on {self.n_features_in_}.")
        return self.model_.predict_proba(self._frame(X))

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def catboost(ds: Dataset, seed: int = book_seed(0)) -> CatBoost:
    """An unfitted :class:`CatBoost` for the table ``ds``, its categorical columns declared.

    >>> from dlml import data
    >>> catboost(data.load("credit_data", n_train=300, n_test=100, seed=0)).categorical
    [1, 4, 5, 6]
    """
    return CatBoost(categorical=_columns(ds)[1], random_state=seed)
