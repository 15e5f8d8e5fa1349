"""Models for real tables: each family reads categories and missing values as it expects."""

import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from dlml import data, tabular


@pytest.fixture(scope="module")
def credit():
    """Real loans: 9 numeric columns (some with gaps) and 4 categorical ones."""
    return data.load("credit_data", n_train=600, n_test=300, seed=0)


def test_the_encoder_imputes_marks_gaps_scales_and_one_hot_encodes(credit):
    X = tabular.encoder(credit).fit_transform(credit.X_train)
    categorical = credit.meta["categorical"]
    numeric = [i for i in range(credit.n_features) if i not in categorical]
    with_gaps = sum(np.isnan(credit.X_train[:, i]).any() for i in numeric)
    seen = sum(len(np.unique(c[~np.isnan(c)])) for c in credit.X_train[:, categorical].T)
    assert X.shape == (600, len(numeric) + with_gaps + seen) and np.isfinite(X).all()
    np.testing.assert_allclose(X[:, : len(numeric)].mean(axis=0), 0, atol=1e-5)  # standardised numbers


def test_a_category_unseen_in_training_encodes_as_zeros(credit):
    enc = tabular.encoder(credit).fit(credit.X_train)
    row = credit.X_train[:1].copy()
    row[0, credit.meta["categorical"][0]] = 99  # no such category
    known = enc.transform(credit.X_train[:1])
    assert enc.transform(row).sum() < known.sum()


def test_boosting_declares_exactly_the_categorical_columns(credit):
    boosting = tabular.line_up(credit)["gradient boosting"]
    assert np.flatnonzero(boosting.categorical_features).tolist() == list(credit.meta["categorical"])


def test_every_model_fits_a_table_with_gaps_and_categories_and_beats_the_majority_class(credit):
    majority = np.bincount(credit.y_test).max() / len(credit.y_test)
    for name, model in tabular.line_up(credit, seed=1).items():
        score = clone(model).fit(credit.X_train, credit.y_train).score(credit.X_test, credit.y_test)
        assert score > majority, name


def test_a_table_without_categories_gets_numbers_only():
    ds = data.load("spam7", n_train=300, n_test=100, seed=0)
    X = tabular.encoder(ds).fit_transform(ds.X_train)
    assert X.shape == (300, ds.n_features)
    assert not any(tabular.line_up(ds)["gradient boosting"].categorical_features)


def test_something_other_than_a_dataset_is_a_clear_error():
    with pytest.raises(TypeError, match="ds must be a dlml.data.Dataset; got ndarray"):
        tabular.line_up(np.zeros((3, 2)))


def test_boosting_and_the_networks_stop_early_on_the_same_terms(credit):
    models = tabular.line_up(credit)
    boosting, mlp, net = models["gradient boosting"], models["MLP"][-1], models["tabular network"][-1]
    catboost = models["CatBoost"]
    assert boosting.early_stopping is True and boosting.validation_fraction == 0.1 == catboost.validation_fraction
    assert boosting.n_iter_no_change == catboost.patience == mlp.patience == net.patience == tabular.PATIENCE
    assert mlp.early_stopping and net.early_stopping and mlp.validation_fraction == net.validation_fraction == 0.1
    assert {k: v for k, v in mlp.get_params().items() if "module" not in k} == {
        k: v for k, v in net.get_params().items() if "module" not in k
    }


def test_catboost_declares_the_categorical_columns_and_stops_early(credit):
    model = tabular.line_up(credit, seed=3)["CatBoost"]
    assert list(model.categorical) == list(credit.meta["categorical"])
    assert model.validation_fraction == 0.1 and model.patience == tabular.PATIENCE and model.random_state == 3
    fitted = clone(model).fit(credit.X_train, credit.y_train)
    assert fitted.model_.get_params()["cat_features"] == list(credit.meta["categorical"])
    assert fitted.n_iter_ < 1000  # CatBoost's default number of rounds: it stopped early
    majority = np.bincount(credit.y_test).max() / len(credit.y_test)
    assert fitted.score(credit.X_test, credit.y_test) > majority


def test_catboost_reads_missing_codes_and_numbers_and_writes_no_files(credit, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X = credit.X_train.copy()
    column = credit.meta["categorical"][0]
    X[:20, column] = np.nan  # a missing category code
    assert np.isnan(X).any()
    model = tabular.catboost(credit).fit(X, credit.y_train)
    proba = model.predict_proba(X[:5])
    assert proba.shape == (5, 2) and np.allclose(proba.sum(axis=1), 1)
    assert list(tmp_path.iterdir()) == []  # no catboost_info/


def test_catboost_is_deterministic_for_a_seed_and_keeps_the_class_labels(credit):
    y = np.where(credit.y_train == 1, "yes", "no")
    a, b = (tabular.catboost(credit, seed=0).fit(credit.X_train, y) for _ in range(2))
    assert np.array_equal(a.predict_proba(credit.X_test), b.predict_proba(credit.X_test))
    assert set(a.predict(credit.X_test)) <= {"yes", "no"}


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"validation_fraction": 1.0}, ValueError, r"validation_fraction must be in \(0, 1\); got 1.0"),
        ({"patience": 0}, ValueError, "patience must be a positive integer; got 0"),
        ({"categorical": [99]}, ValueError, "a categorical column must be an integer from 0 to 12; got 99"),
        ({"categorical": ["sex"]}, TypeError, "a categorical column must be"),
    ],
)
def test_catboost_bad_settings_are_clear_errors(credit, params, error, message):
    with pytest.raises(error, match=message):
        tabular.CatBoost(**params).fit(credit.X_train, credit.y_train)


def test_catboost_one_class_and_a_wrong_width_are_clear_errors(credit):
    with pytest.raises(ValueError, match="y must hold at least 2 classes; got 1"):
        tabular.CatBoost().fit(credit.X_train, np.zeros(len(credit.y_train)))
    model = tabular.catboost(credit).fit(credit.X_train, credit.y_train)
    with pytest.raises(ValueError, match="X has 3 columns; the model was fitted on 13"):
        model.predict_proba(credit.X_test[:, :3])
    with pytest.raises(NotFittedError):
        tabular.CatBoost().predict(credit.X_test)


def test_catboost_missing_package_is_a_clear_error(credit, monkeypatch):
    monkeypatch.setitem(sys.modules, "catboost", None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match="CatBoost is not installed; install it with: pip install catboost"):
        tabular.CatBoost().fit(credit.X_train, credit.y_train)
