import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from dlml.compare import with_seed
from dlml.kernels import KERNEL_LENGTH, RandomKernelFeatures

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 40))


def _reference_ppv(x, weights, dilation, padded, bias):
    """One kernel's feature for one signal, by explicit loops over positions and weights."""
    reach = (KERNEL_LENGTH - 1) * dilation
    if padded:
        x = np.concatenate([np.zeros(reach // 2), x, np.zeros(reach - reach // 2)])
    outputs = [sum(weights[t] * x[p + t * dilation] for t in range(KERNEL_LENGTH)) for p in range(len(x) - reach)]
    return np.mean(np.array(outputs) > bias)


def test_random_kernels_have_one_feature_per_kernel_between_zero_and_one():
    kernels = RandomKernelFeatures(n_kernels=300, random_state=0).fit(X)
    F = kernels.transform(RNG.normal(size=(4, 40)))
    assert F.shape == (4, 300) and F.dtype == np.float64
    assert F.min() >= 0 and F.max() <= 1
    positions = np.where(kernels.padded_, 40, 40 - (KERNEL_LENGTH - 1) * kernels.dilations_)
    np.testing.assert_allclose(F * positions, np.round(F * positions), atol=1e-9)  # multiples of 1 / positions
    assert list(kernels.get_feature_names_out()[:2]) == ["randomkernelfeatures0", "randomkernelfeatures1"]


def test_kernels_follow_the_documented_design():
    kernels = RandomKernelFeatures(n_kernels=2000, random_state=1).fit(X)
    assert kernels.weights_.shape == (2000, KERNEL_LENGTH) and kernels.n_features_in_ == 40
    assert set(np.unique(kernels.weights_)) == {-1.0, 2.0}
    assert np.all((kernels.weights_ == 2).sum(axis=1) == 3) and np.all(kernels.weights_.sum(axis=1) == 0)
    assert set(np.unique(kernels.dilations_)) == {1, 2, 3, 4}  # (KERNEL_LENGTH - 1) * 4 < 40 <= 8 * 5
    assert 0.4 < kernels.padded_.mean() < 0.6
    short = RandomKernelFeatures(n_kernels=50, random_state=0).fit(np.ones((2, KERNEL_LENGTH)))
    assert np.all(short.dilations_ == 1)


def test_features_match_an_explicit_convolution():
    kernels = RandomKernelFeatures(n_kernels=40, random_state=2).fit(X)
    signals = RNG.normal(size=(3, 40))
    F = kernels.transform(signals)
    for j in range(40):
        args = kernels.weights_[j], kernels.dilations_[j], kernels.padded_[j], kernels.biases_[j]
        assert [_reference_ppv(x, *args) for x in signals] == pytest.approx(F[:, j], abs=1e-12)


def test_each_threshold_is_within_the_range_of_its_kernel_on_the_training_signals():
    # a threshold is a quantile of one training signal's outputs: some output reaches it, some does not exceed it
    kernels = RandomKernelFeatures(n_kernels=100, random_state=3).fit(X)
    for j in range(100):
        w, d, p, b = kernels.weights_[j], kernels.dilations_[j], kernels.padded_[j], kernels.biases_[j]
        assert any(_reference_ppv(x, w, d, p, b - 1e-9) > 0 for x in X)
        assert any(_reference_ppv(x, w, d, p, b) < 1 for x in X)


def test_a_fixed_random_state_gives_the_same_features_and_another_one_others():
    F1 = RandomKernelFeatures(n_kernels=200, random_state=7).fit_transform(X)
    F2 = RandomKernelFeatures(n_kernels=200, random_state=7).fit(X.copy()).transform(X)
    F3 = RandomKernelFeatures(n_kernels=200, random_state=8).fit_transform(X)
    np.testing.assert_array_equal(F1, F2)
    assert not np.array_equal(F1, F3)
    fitted = [RandomKernelFeatures(n_kernels=200, random_state=7).fit(X) for _ in range(2)]
    for name in ("weights_", "dilations_", "padded_", "biases_"):
        np.testing.assert_array_equal(getattr(fitted[0], name), getattr(fitted[1], name))


def test_transforming_one_signal_or_many_gives_the_same_rows():
    kernels = RandomKernelFeatures(n_kernels=100, random_state=0).fit(X)
    np.testing.assert_array_equal(kernels.transform(X[2:3]), kernels.transform(X)[2:3])


@pytest.mark.parametrize("signals", [X, np.round(10 * X)], ids=["real", "whole numbers (exact arithmetic)"])
def test_a_constant_added_to_a_signal_changes_no_feature_of_the_unpadded_kernels(signals):
    kernels = RandomKernelFeatures(n_kernels=500, random_state=4).fit(signals)
    unpadded = ~kernels.padded_
    before, after = kernels.transform(signals), kernels.transform(signals + 7.0)
    np.testing.assert_array_equal(after[:, unpadded], before[:, unpadded])
    assert not np.array_equal(after[:, ~unpadded], before[:, ~unpadded])  # the padded ones see the zeros


def test_it_works_in_scikit_learn_pipelines_and_with_the_books_seeding():
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    kernels = RandomKernelFeatures(n_kernels=100)
    assert clone(kernels).get_params() == {"n_kernels": 100, "random_state": kernels.random_state}
    model = with_seed(make_pipeline(kernels, StandardScaler(), RidgeClassifierCV()), 5)
    assert model[0].random_state == 5
    y = np.arange(len(X)) % 2
    assert model.fit(X.tolist(), y).predict(X).shape == (len(X),)


@pytest.mark.parametrize(
    "settings, signals, message",
    [
        ({"n_kernels": 0}, X, "n_kernels must be a positive integer; got 0"),
        ({"n_kernels": -5}, X, "n_kernels must be a positive integer; got -5"),
        ({"random_state": -1}, X, "random_state must be None or a non-negative integer; got -1"),
        ({}, np.zeros(40), r"2-D array of shape \(n_signals, length\); got shape \(40,\)"),
        ({}, np.zeros((2, 3, 40)), r"2-D array .* got shape \(2, 3, 40\)"),
        ({}, np.zeros((0, 40)), r"X is empty \(0 signals\)"),
        ({}, np.zeros((2, KERNEL_LENGTH - 1)), "at least 9 samples .* got length 8"),
        ({}, np.array([[0.0] * 39 + [np.nan]]), "1 NaN or infinite"),
        ({}, [["a"] * 40], "X must be an array of numbers"),
    ],
)
def test_bad_settings_and_signals_are_explained(settings, signals, message):
    with pytest.raises(ValueError, match=message):
        RandomKernelFeatures(**{"n_kernels": 10, **settings}).fit(signals)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"n_kernels": 2.5}, "n_kernels must be a positive integer; got 2.5"),
        ({"n_kernels": True}, "n_kernels must be a positive integer; got True"),
        ({"random_state": "0"}, "random_state must be None or a non-negative integer"),
    ],
)
def test_settings_of_the_wrong_kind_are_type_errors(settings, message):
    with pytest.raises(TypeError, match=message):
        RandomKernelFeatures(**{"n_kernels": 10, **settings}).fit(X)


def test_transform_checks_its_signals_against_the_fit():
    with pytest.raises(NotFittedError):
        RandomKernelFeatures(n_kernels=10).transform(X)
    kernels = RandomKernelFeatures(n_kernels=10, random_state=0).fit(X)
    with pytest.raises(ValueError, match="length 30, but this transformer was fitted on signals of length 40"):
        kernels.transform(np.zeros((2, 30)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        kernels.transform(np.full((1, 40), np.inf))
