"""Models for real tables, each family given its inputs the way it expects them.

A real table (:mod:`dlml.tables`) arrives as numbers with two complications: categorical
columns, coded 0, 1, 2, ... (``Dataset.meta["categorical"]``), and missing values (NaN).

- Gradient-boosted trees read both natively: the categorical columns are declared, so a
  split can send any subset of categories left, and a missing value learns its own branch.
- A random forest reads missing values natively and the category codes as numbers.
- Linear models and networks need every input on one scale and no gaps
  (:func:`encoder`): a numeric column's missing values become its median, with a column
  that marks where they were; numbers are standardised; categories are one-hot encoded.

Examples
--------
>>> from dlml import data
>>> ds = data.load("penguins", seed=0)
>>> sorted(line_up(ds))
['MLP', 'gradient boosting', 'logistic regression', 'random forest', 'tabular network']
>>> encoder(ds).fit_transform(ds.X_train).shape[1]  # 5 numbers, 4 of them with gaps, 3 islands, 2 sexes
14
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from dlml import zoo
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

    Equal effort: no model is tuned. The three that learn in rounds (boosting and the two
    networks) stop early on the same terms: 10 % of the training rows held out, and training
    stops once the loss on them has not improved for ``PATIENCE`` rounds (epochs for the
    networks, trees for boosting). The networks are the book's default MLP and a
    :class:`dlml.table_net.TableNet` (periodic embeddings, an ensemble of four in one
    network), trained alike.

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
    }
