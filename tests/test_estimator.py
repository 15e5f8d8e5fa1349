import os

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from dlml.data import load
from dlml.estimator import NeuralNetClassifier

FAST = dict(epochs=5, lr=0.01, progress=False)


@parametrize_with_checks([NeuralNetClassifier(epochs=30, lr=0.01, progress=False)])
def test_scikit_learn_estimator_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def wine():
    return load("wine", seed=0)


def test_works_in_a_pipeline_and_cross_validation(wine):
    model = make_pipeline(
        StandardScaler(), NeuralNetClassifier("mlp", {"hidden": (32,)}, epochs=60, lr=0.01, progress=False)
    )
    scores = cross_val_score(model, wine.X_train, wine.y_train, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.9


def test_string_labels_round_trip():
    X = np.array([[0.0], [0.1], [1.0], [1.1]] * 10, dtype=np.float32)
    y = np.array(["no", "no", "yes", "yes"] * 10)
    clf = NeuralNetClassifier("mlp", {"hidden": (4,)}, epochs=100, lr=0.05, progress=False).fit(X, y)
    assert list(clf.classes_) == ["no", "yes"]
    assert set(clf.predict(X)) <= {"no", "yes"}
    assert clf.predict_proba(X).shape == (40, 2)


def test_cnn_on_mnist1d_signals():
    ds = load("mnist1d", n_train=300, n_test=100, seed=0)
    clf = NeuralNetClassifier("cnn1d", epochs=3, progress=False).fit(ds.X_train, ds.y_train)
    # counted by hand: three convolutions of 25 channels (1 -> 25 with width 5, then 25 -> 25 with
    # width 3; each with biases) take the 40 samples to 19, 10 and 5 positions; a head of 25 x 5 -> 10
    assert clf.n_parameters_ == (25 * 5 + 25) + 2 * (25 * 25 * 3 + 25) + (25 * 5 * 10 + 10)
    assert clf.predict(ds.X_test).shape == (100,)


def test_early_stopping_holds_out_a_validation_split(wine):
    clf = NeuralNetClassifier(
        epochs=200, lr=0.01, early_stopping=True, patience=3, validation_fraction=0.2, progress=False
    )
    clf.fit(wine.X_train, wine.y_train)
    h = clf.history_
    assert h.stopped_early and h.epochs < 200, "wine is learned long before 200 epochs: training should stop early"
    assert h.best_epoch == h.epochs - 3, "it stops `patience` epochs after the best validation loss"
    assert len(h.val_loss) == h.epochs and min(h.val_loss) == h.val_loss[h.best_epoch - 1]


def test_same_seed_same_predictions(wine):
    a = NeuralNetClassifier(random_state=3, **FAST).fit(wine.X_train, wine.y_train).predict_proba(wine.X_test)
    b = NeuralNetClassifier(random_state=3, **FAST).fit(wine.X_train, wine.y_train).predict_proba(wine.X_test)
    assert np.array_equal(a, b)


def test_custom_module_factory(wine):
    import torch

    def linear(n_features, n_classes):
        return torch.nn.Linear(n_features, n_classes)

    clf = NeuralNetClassifier(linear, **FAST).fit(wine.X_train, wine.y_train)
    assert clf.n_parameters_ == 13 * 3 + 3


def test_predict_before_fit_is_an_error(wine):
    with pytest.raises(NotFittedError):
        NeuralNetClassifier().predict(wine.X_test)


def test_nan_in_x_is_an_error(wine):
    X = wine.X_train.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        NeuralNetClassifier(**FAST).fit(X, wine.y_train)


def test_x_and_y_of_different_lengths_is_an_error(wine):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        NeuralNetClassifier(**FAST).fit(wine.X_train, wine.y_train[:-1])


def test_wrong_width_at_predict_time_is_an_error(wine):
    clf = NeuralNetClassifier(**FAST).fit(wine.X_train, wine.y_train)
    with pytest.raises(ValueError, match="X has 12 features, but NeuralNetClassifier is expecting 13"):
        clf.predict(wine.X_test[:, :12])


def test_unknown_module_is_explained(wine):
    with pytest.raises(
        ValueError,
        match=r"module must be one of \('mlp', 'cnn1d', 'cnn2d', 'textcnn', 'gru', 'table_net'\) "
        r"or a callable; got 'resnet'",
    ):
        NeuralNetClassifier("resnet", **FAST).fit(wine.X_train, wine.y_train)


def test_bad_validation_fraction_is_explained(wine):
    with pytest.raises(ValueError, match=r"validation_fraction must be in \(0, 1\); got 1.5"):
        NeuralNetClassifier(early_stopping=True, validation_fraction=1.5, **FAST).fit(wine.X_train, wine.y_train)


def test_bad_training_argument_is_explained_before_fitting(wine):
    with pytest.raises(ValueError, match="optimiser must be one of"):
        NeuralNetClassifier(optimiser="lbfgs").fit(wine.X_train, wine.y_train)


def test_cnn2d_infers_the_image_side_from_the_number_of_features():
    ds = load("digits", n_train=200, n_test=100, seed=0)
    clf = NeuralNetClassifier("cnn2d", epochs=2, progress=False).fit(ds.X_train / 16, ds.y_train)
    assert clf.module_.side == 8 and clf.predict(ds.X_test / 16).shape == (100,)


def test_cnn2d_needs_square_images(wine):
    with pytest.raises(ValueError, match="cnn2d needs square images: n_features must be a perfect square; got 13"):
        NeuralNetClassifier("cnn2d", **FAST).fit(wine.X_train, wine.y_train)


@pytest.mark.parametrize("module", ["textcnn", "gru"])
def test_text_modules_learn_the_short_negation_rule(module):
    ds = load("negation", n_train=600, n_test=200, seed=0)
    clf = NeuralNetClassifier(module, {"vocab_size": len(ds.meta["vocabulary"])}, epochs=10, lr=1e-2, progress=False)
    assert clf.fit(ds.X_train, ds.y_train).score(ds.X_test, ds.y_test) > 0.9


def test_text_modules_need_a_vocabulary_size():
    ds = load("negation", n_train=50, n_test=10, seed=0)
    with pytest.raises(TypeError, match="gru needs vocab_size, the number of token ids"):
        NeuralNetClassifier("gru", **FAST).fit(ds.X_train, ds.y_train)


def test_fitting_leaves_torchs_global_generator_alone(wine):
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    NeuralNetClassifier(random_state=3, **FAST).fit(wine.X_train, wine.y_train)
    assert torch.equal(torch.rand(3), expected)


def test_momentum_reaches_the_optimiser(wine):
    # Plain SGD and SGD with momentum take different steps from the same start.
    plain, heavy = (
        NeuralNetClassifier(optimiser="sgd", momentum=m, random_state=0, **FAST).fit(wine.X_train / 1000, wine.y_train)
        for m in (0.0, 0.9)
    )
    assert plain.history_.train_loss[-1] != heavy.history_.train_loss[-1]


@pytest.mark.parametrize(("n_jobs", "threads"), [(1, 1), (2, 2), (-1, os.cpu_count()), (None, None)])
def test_n_jobs_is_the_thread_count(n_jobs, threads):
    assert NeuralNetClassifier(n_jobs=n_jobs)._config().n_threads == threads


@pytest.mark.parametrize(
    ("n_jobs", "error"), [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)]
)
def test_bad_n_jobs_is_explained(wine, n_jobs, error):
    with pytest.raises(error, match=r"n_jobs must be a positive integer, -1 \(one thread per core\) or None"):
        NeuralNetClassifier(n_jobs=n_jobs, **FAST).fit(wine.X_train, wine.y_train)
