import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from dlml.compare import COLUMNS, compare, compare_tasks, n_parameters, roc_auc, summarise
from dlml.data import load
from dlml.estimator import NeuralNetClassifier


@pytest.fixture(scope="module")
def wine():
    return load("wine", seed=0)


def test_one_row_per_model_and_seed_with_tidy_columns(wine):
    models = {
        "logistic": make_pipeline(StandardScaler(), LogisticRegression()),
        "forest": RandomForestClassifier(n_estimators=20),
        "mlp": make_pipeline(StandardScaler(), NeuralNetClassifier(epochs=40, lr=0.01, progress=False)),
    }
    table = compare(models, wine, seeds=(0, 1))
    assert list(table.columns) == COLUMNS
    assert sorted(zip(table.model, table.seed)) == sorted((m, s) for m in models for s in (0, 1))
    assert table.test_accuracy.between(0, 1).all() and (table.test_accuracy > 0.8).all()
    assert (table.fit_seconds > 0).all() and (table.predict_seconds > 0).all()
    assert (table.n_parameters > 0).all()


def test_seed_reaches_the_model_inside_a_pipeline(wine):
    models = {"forest": make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5))}
    same = compare(models, wine, seeds=(3, 3))
    other = compare(models, wine, seeds=(3, 4))
    assert same.test_accuracy.iloc[0] == same.test_accuracy.iloc[1]
    assert same.n_parameters.iloc[0] == same.n_parameters.iloc[1] != other.n_parameters.iloc[1]


def test_data_can_change_with_the_seed():
    seen = []

    def data(seed):
        seen.append(seed)
        return load("moons", n_train=100, n_test=50, seed=seed)

    table = compare({"tree": DecisionTreeClassifier()}, data, seeds=(0, 1, 2))
    assert seen == [0, 1, 2] and len(table) == 3


def test_summary_is_mean_and_std_per_model():
    table = pd.DataFrame(
        {
            "model": ["a", "a", "b"],
            "seed": [0, 1, 0],
            "test_accuracy": [0.5, 0.7, 0.9],
            "fit_seconds": [1.0, 3.0, 1.0],
            "predict_seconds": [0.1, 0.1, 0.1],
            "n_parameters": [2, 2, 9],
        }
    )
    summary = summarise(table)
    assert summary.loc["a", ("test_accuracy", "mean")] == pytest.approx(0.6)
    assert summary.loc["a", ("fit_seconds", "std")] == pytest.approx(np.std([1.0, 3.0], ddof=1))


def test_summary_rejects_other_tables():
    with pytest.raises(ValueError, match=r"table lacks the columns \['fit_seconds'"):
        summarise(pd.DataFrame({"model": [], "seed": [], "test_accuracy": []}))


def test_parameter_counts(wine):
    X, y = wine.X_train, wine.y_train
    assert n_parameters(LogisticRegression(max_iter=10000).fit(X, y)) == 13 * 3 + 3
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert n_parameters(tree) == tree.tree_.node_count
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    assert n_parameters(forest) == sum(t.tree_.node_count for t in forest.estimators_)
    assert n_parameters(HistGradientBoostingClassifier(max_iter=5).fit(X, y)) > 0
    assert n_parameters(KNeighborsClassifier().fit(X, y)) == X.size
    svc = SVC().fit(X, y)
    assert n_parameters(svc) == svc.support_vectors_.size + svc.dual_coef_.size + svc.intercept_.size
    assert (
        n_parameters(make_pipeline(StandardScaler(), LogisticRegression(max_iter=10000)).fit(X, y))
        == 2 * 13 + 13 * 3 + 3
    )
    net = NeuralNetClassifier(module_params={"hidden": (5,)}, epochs=1, progress=False).fit(X, y)
    assert n_parameters(net) == 13 * 5 + 5 + 5 * 3 + 3


@pytest.mark.parametrize(
    "models, data, seeds, message",
    [
        ({}, None, (0,), "models is empty"),
        ({"x": object()}, None, (0,), "model 'x' must be an estimator with fit and predict; got object"),
        ({"t": DecisionTreeClassifier()}, None, (), "seeds is empty"),
        (
            {"t": DecisionTreeClassifier()},
            np.zeros(3),
            (0,),
            "data must be a Dataset or a function seed -> Dataset; got ndarray",
        ),
    ],
)
def test_bad_arguments_are_explained(models, data, seeds, message):
    with pytest.raises(ValueError, match=message):
        compare(models, data, seeds)


def test_train_accuracy_on_request(wine):
    table = compare({"tree": DecisionTreeClassifier()}, wine, seeds=(0,), score_train=True)
    assert table.columns[-1] == "train_accuracy" and table.train_accuracy.iloc[0] == 1.0


def test_parallel_runs_give_the_same_accuracies(wine):
    models = {"forest": RandomForestClassifier(n_estimators=10), "tree": DecisionTreeClassifier()}
    serial = compare(models, wine, seeds=(0, 1))
    parallel = compare(models, wine, seeds=(0, 1), n_jobs=2)
    assert serial.test_accuracy.tolist() == parallel.test_accuracy.tolist()


def test_learning_curve_has_a_row_per_size_model_and_seed():
    from dlml.compare import learning_curve

    curve = learning_curve(
        {"tree": DecisionTreeClassifier(), "logistic": LogisticRegression()},
        lambda n, seed: load("moons", n_train=n, n_test=100, seed=seed),
        sizes=[10, 50, 400],
        seeds=[0, 1],
    )
    assert len(curve) == 3 * 2 * 2 and sorted(curve.n_train.unique()) == [10, 50, 400]
    means = curve.groupby("n_train").test_accuracy.mean()
    assert means[400] > means[10]


def test_learning_curve_builds_models_per_size_and_runs_in_one_parallel_pass():
    from dlml.compare import learning_curve

    def models(n):  # a deeper tree for more data: what the size-dependent form is for
        return {
            "tree": DecisionTreeClassifier(max_depth=1 if n < 100 else 8),
            "forest": RandomForestClassifier(n_estimators=5),
        }

    def moons(n, seed):
        return load("moons", n_train=n, n_test=200, seed=seed)

    serial = learning_curve(models, moons, sizes=[20, 400], seeds=[0, 1])
    parallel = learning_curve(models, moons, sizes=[20, 400], seeds=[0, 1], n_jobs=2)
    key = ["n_train", "seed", "model", "test_accuracy"]
    # the largest size runs first, yet the rows come back in the order asked for: sizes, seeds, models
    assert serial[key].values.tolist() == parallel[key].values.tolist()
    assert serial[["n_train", "seed", "model"]].values.tolist() == [
        [n, s, m] for n in (20, 400) for s in (0, 1) for m in ("tree", "forest")
    ]
    direct = compare({"tree": DecisionTreeClassifier(max_depth=8)}, moons(400, 1), seeds=(1,))
    assert (
        serial.query("n_train == 400 and seed == 1 and model == 'tree'").test_accuracy.item()
        == direct.test_accuracy.item()
    )


def test_learning_curve_explains_a_size_without_models():
    from dlml.compare import learning_curve

    with pytest.raises(ValueError, match="models is empty"):
        learning_curve(
            lambda n: {} if n > 50 else {"tree": DecisionTreeClassifier()},
            lambda n, seed: load("moons", n_train=n, n_test=50, seed=seed),
            sizes=[20, 100],
            seeds=[0],
        )


@pytest.mark.parametrize("sizes", [[], [0, 10], [2.5]])
def test_learning_curve_rejects_bad_sizes(sizes):
    from dlml.compare import learning_curve

    with pytest.raises(ValueError, match="sizes must be a non-empty sequence of positive integers"):
        learning_curve({"tree": DecisionTreeClassifier()}, lambda n, s: None, sizes)


def test_mean_interval_matches_scipy():
    from scipy import stats

    from dlml.intervals import mean_interval

    values = [0.70, 0.74, 0.71, 0.78]
    table = pd.DataFrame({"model": ["m"] * 4, "n_train": [100] * 4, "test_accuracy": values})
    row = mean_interval(table, by=("model", "n_train")).loc[("m", 100)]
    low, high = stats.t.interval(0.95, 3, loc=np.mean(values), scale=stats.sem(values))
    assert row["low"] == pytest.approx(low) and row["high"] == pytest.approx(high) and row["n"] == 4


def test_mean_interval_explains_missing_columns():
    from dlml.intervals import mean_interval

    with pytest.raises(ValueError, match=r"table lacks the columns \['n_train'\]"):
        mean_interval(pd.DataFrame({"model": ["a"], "test_accuracy": [1.0]}), by=("model", "n_train"))


def test_bad_n_jobs_is_explained(wine):
    with pytest.raises(ValueError, match="n_jobs must be a positive integer; got 0"):
        compare({"tree": DecisionTreeClassifier()}, wine, n_jobs=0)


def test_roc_auc_counts_pairs_ranked_right_and_averages_classes_one_against_the_rest():
    y = np.array([0, 0, 1, 1])
    # one positive (0.35) ranks below one negative (0.4): 3 of 4 pairs right
    assert roc_auc(y, np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])) == 0.75
    y3 = np.array([0, 1, 2, 0, 1, 2])
    p3 = np.random.default_rng(0).dirichlet(np.ones(3), size=6)
    by_hand = np.mean([roc_auc_score(y3 == k, p3[:, k]) for k in range(3)])
    assert roc_auc(y3, p3) == pytest.approx(by_hand)


def test_roc_auc_explains_probabilities_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"probabilities must have shape \(n, classes >= 2\); got \(4,\)"):
        roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))


def test_auc_on_request_is_the_roc_auc_of_the_fitted_model(wine):
    table = compare({"forest": RandomForestClassifier(n_estimators=10)}, wine, seeds=(5,), auc=True)
    forest = RandomForestClassifier(n_estimators=10, random_state=5).fit(wine.X_train, wine.y_train)
    assert table.columns[-1] == "test_auc"
    assert table.test_auc.iloc[0] == roc_auc(wine.y_test, forest.predict_proba(wine.X_test))


def test_compare_tasks_runs_every_task_seed_and_model_and_builds_models_per_dataset():
    seen = []

    def models(ds):
        seen.append((ds.name, ds.n_features))
        return {"tree": DecisionTreeClassifier(max_depth=2), "logistic": LogisticRegression(max_iter=1000)}

    tasks = {"moons": lambda seed: load("moons", n_train=60, n_test=40, seed=seed), "wine": load("wine", seed=0)}
    table = compare_tasks(tasks, models, seeds=(0, 1), n_jobs=2)
    assert list(table.columns) == ["task", *COLUMNS]
    assert table[["task", "seed", "model"]].values.tolist() == [
        [task, seed, model] for task in tasks for seed in (0, 1) for model in ("tree", "logistic")
    ]
    assert seen == [("moons", 2), ("moons", 2), ("wine", 13), ("wine", 13)]
    alone = compare(models(load("wine", seed=0)), tasks["wine"], seeds=(0, 1))
    assert table[table.task == "wine"].test_accuracy.tolist() == alone.test_accuracy.tolist()


@pytest.mark.parametrize(
    "tasks, models, message",
    [
        ({}, {"t": DecisionTreeClassifier()}, "tasks is empty"),
        ({"a": np.zeros(3)}, {"t": DecisionTreeClassifier()}, "task 'a' must be a Dataset or a function"),
        ({"a": lambda seed: load("wine", seed=seed)}, 3, "models must be a mapping or a function Dataset -> mapping"),
        ({"a": lambda seed: load("wine", seed=seed)}, lambda ds: {}, "models is empty"),
        ({"a": load("wine", seed=0)}, {"b": {"t": DecisionTreeClassifier()}}, "must name every task once: \\['a'\\]"),
        ({"a": load("wine", seed=0)}, {"a": {"t": 3}}, "model 't' must be an estimator"),
    ],
)
def test_compare_tasks_explains_bad_arguments(tasks, models, message):
    with pytest.raises(ValueError, match=message):
        compare_tasks(tasks, models, seeds=(0,))


def test_compare_tasks_fits_each_task_its_own_models():
    wine = load("wine", seed=0)
    small = dataclasses.replace(wine, X_train=wine.X_train[:40], y_train=wine.y_train[:40])
    models = {
        "all rows": {"deep tree": DecisionTreeClassifier()},
        "40 rows": {"stump": DecisionTreeClassifier(max_depth=1)},
    }
    table = compare_tasks({"all rows": wine, "40 rows": small}, models, seeds=(0,))
    assert table[["task", "model"]].values.tolist() == [["all rows", "deep tree"], ["40 rows", "stump"]]
    assert table.test_accuracy.tolist() == [
        compare({"t": DecisionTreeClassifier()}, wine, seeds=(0,)).test_accuracy[0],
        compare({"t": DecisionTreeClassifier(max_depth=1)}, small, seeds=(0,)).test_accuracy[0],
    ]


def test_measure_adds_columns_from_each_fitted_model(wine):
    def depth(model, ds):
        return {"depth": model.get_depth(), "rows": len(ds.y_train)}

    table = compare({"tree": DecisionTreeClassifier(max_depth=3)}, wine, seeds=(0, 1), measure=depth, n_jobs=2)
    assert list(table.columns) == [*COLUMNS, "depth", "rows"]
    assert table.depth.tolist() == [
        DecisionTreeClassifier(max_depth=3, random_state=s).fit(wine.X_train, wine.y_train).get_depth() for s in (0, 1)
    ]
    assert table.rows.tolist() == [len(wine.y_train)] * 2


@pytest.mark.parametrize(
    "measure, message",
    [
        (3, "measure must be a function"),
        (lambda model, ds: 3, "measure must return a mapping"),
        (lambda model, ds: {"seed": 1}, "none of .*'seed'"),
    ],
)
def test_measure_is_explained_when_it_is_not_a_function_or_returns_a_clash(wine, measure, message):
    with pytest.raises(ValueError, match=message):
        compare({"tree": DecisionTreeClassifier()}, wine, seeds=(0,), measure=measure)
