import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from dlml import recipes
from dlml.compare import compare
from dlml.data import load


def test_every_family_gets_the_same_number_of_configurations_the_default_first():
    assert {len(configs) for configs in recipes.SEARCH.values()} == {recipes.N_CONFIGS}
    assert recipes.SEARCH["SVM (RBF)"][0] == {"C": 1.0, "gamma": "scale"}  # scikit-learn's default
    assert recipes.SEARCH["k-nearest neighbours"][0] == {"n_neighbors": 5, "weights": "uniform"}
    for name, configs in recipes.SEARCH.items():
        assert len({repr(c) for c in configs}) == len(configs), f"{name}: a configuration is listed twice"
        assert all(set(c) == set(configs[0]) for c in configs), f"{name}: configurations set different keys"


def test_the_selection_is_one_of_the_searched_configurations():
    assert set(recipes.SELECTED) == set(recipes.SEARCH)
    for name, config in recipes.SELECTED.items():
        assert config in recipes.SEARCH[name]
    assert recipes.MNIST1D_CNN["epochs"] == recipes.SELECTED["CNN"]["epochs"]


def test_build_passes_each_setting_to_the_model():
    svm = recipes.build("SVM (RBF)", {"C": 3.0, "gamma": 0.1})[-1]
    assert (svm.C, svm.gamma) == (3.0, 0.1)
    forest = recipes.build("random forest", {"max_features": 0.25, "min_samples_leaf": 2}, seed=7)
    assert (forest.max_features, forest.min_samples_leaf, forest.random_state) == (0.25, 2, 7)
    mlp = recipes.build("MLP", {"hidden": [64, 32], "dropout": 0.1, "lr": 0.01, "weight_decay": 0.0})[-1]
    assert mlp.module_params == {"hidden": (64, 32), "dropout": 0.1} and mlp.lr == 0.01
    cnn = recipes.tuned("CNN", seed=5)
    assert cnn.random_state == 5 and cnn.lr == recipes.SELECTED["CNN"]["lr"] and cnn.module_params == {"channels": 48}


def test_build_explains_an_unknown_family_and_wrong_settings():
    with pytest.raises(ValueError, match=r"unknown model family 'xgboost'; choose one of \["):
        recipes.build("xgboost")
    with pytest.raises(ValueError, match=r"the settings of 'SVM \(RBF\)' are \['C', 'gamma'\]; got \['C'\]"):
        recipes.build("SVM (RBF)", {"C": 1.0})


def test_mnist1d_cnn_takes_overrides_and_leaves_the_recipe_alone():
    cnn = recipes.mnist1d_cnn(seed=3, epochs=2)
    assert cnn.epochs == 2 and cnn.random_state == 3 and recipes.MNIST1D_CNN["epochs"] != 2


def test_validation_split_is_stratified_and_keeps_the_test_split_out():
    ds = load("mnist1d", n_train=400, n_test=100, seed=0)
    v = recipes.validation_split(ds, n_validation=100, seed=1)
    assert (len(v.y_train), len(v.y_test)) == (300, 100)
    # stratified: each class keeps its share of the training data, to within one example
    expected = np.bincount(ds.y_train) * 100 / len(ds.y_train)
    assert np.all(np.abs(np.bincount(v.y_test, minlength=len(expected)) - expected) <= 1)
    rows = {r.tobytes() for r in ds.X_train}
    assert all(r.tobytes() in rows for r in v.X_test) and all(r.tobytes() in rows for r in v.X_train)
    assert not {r.tobytes() for r in ds.X_test} & {r.tobytes() for r in v.X_test}
    same = recipes.validation_split(ds, n_validation=100, seed=1)
    assert np.array_equal(same.y_test, v.y_test)


@pytest.mark.parametrize("n, error", [(0, ValueError), (400, ValueError), (1.5, TypeError)])
def test_validation_split_refuses_impossible_sizes(n, error):
    ds = load("mnist1d", n_train=400, n_test=100, seed=0)
    with pytest.raises(error, match="n_validation"):
        recipes.validation_split(ds, n_validation=n)


def test_selection_takes_the_best_mean_and_the_earlier_configuration_on_a_tie():
    results = pd.DataFrame(
        {
            "model": [
                "SVM (RBF) #1",
                "SVM (RBF) #2",
                "SVM (RBF) #3",
                "SVM (RBF) #3",
                "k-nearest neighbours #1",
                "k-nearest neighbours #4",
            ],
            "test_accuracy": [0.50, 0.60, 0.70, 0.48, 0.55, 0.55],
        }
    )
    chosen = recipes.selection(results)
    assert chosen == {
        "SVM (RBF)": recipes.SEARCH["SVM (RBF)"][1],
        "k-nearest neighbours": recipes.SEARCH["k-nearest neighbours"][0],
    }
    with pytest.raises(ValueError, match="columns 'model' and 'test_accuracy'"):
        recipes.selection(pd.DataFrame({"model": ["SVM (RBF) #1"]}))


def test_a_search_runs_end_to_end_on_validation_data():
    ds = load("mnist1d", n_train=300, n_test=100, seed=0)
    models = recipes.search_models(["logistic regression", "k-nearest neighbours"])
    assert len(models) == 2 * recipes.N_CONFIGS
    results = compare(models, recipes.validation_split(ds, n_validation=100), seeds=(0,))
    chosen = recipes.selection(results)
    best = results.loc[results.query("model.str.startswith('logistic')")["test_accuracy"].idxmax(), "model"]
    assert chosen["logistic regression"] == recipes.SEARCH["logistic regression"][int(best.split("#")[1]) - 1]


def test_tuned_line_up_gives_unfitted_copies_in_the_order_asked():
    line_up = recipes.tuned_line_up(["k-nearest neighbours", "CNN"], seed=4)
    assert list(line_up) == ["k-nearest neighbours", "CNN"] and line_up["CNN"].random_state == 4
    assert (
        clone(line_up["k-nearest neighbours"])[-1].n_neighbors
        == recipes.SELECTED["k-nearest neighbours"]["n_neighbors"]
    )
