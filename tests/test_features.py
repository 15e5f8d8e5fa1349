import numpy as np
import pytest

from dlml.features import GROUPS, signal_features

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 40))
T = np.arange(40)


def test_all_groups_have_the_documented_widths_and_unique_names():
    F, names = signal_features(X)
    widths = {"stats": 9, "quantiles": 11, "fft": 20, "autocorr": 20, "peaks": 4, "aligned": 80}
    assert F.shape == (6, sum(widths.values())) and len(names) == F.shape[1]
    assert len(set(names)) == len(names)
    for group, width in widths.items():
        assert signal_features(X, groups=[group])[0].shape == (6, width)
    assert np.all(np.isfinite(F)) and F.dtype == np.float64


def test_groups_come_in_the_order_asked():
    F, names = signal_features(X, groups=("peaks", "stats"))
    assert names[:4] == ["argmax", "argmin", "max_to_min", "n_local_max"] and names[4] == "mean"
    np.testing.assert_array_equal(F[:, 4:], signal_features(X, groups=["stats"])[0])


def test_statistics_match_numpy_and_the_slope_is_recovered():
    line = 2.0 + 3.0 * np.linspace(-0.5, 0.5, 40)
    F, names = signal_features(np.vstack([line, X[0]]), groups=["stats"])
    stats = dict(zip(names, F[0]))
    assert stats["slope"] == pytest.approx(3.0) and stats["mean"] == pytest.approx(2.0)
    row = dict(zip(names, F[1]))
    assert row["std"] == pytest.approx(X[0].std()) and row["max"] == pytest.approx(X[0].max())
    assert row["mean_abs_diff"] == pytest.approx(np.abs(np.diff(X[0])).mean())


def test_groups_match_reference_computations():
    F, names = signal_features(X[:2])
    col = dict(zip(names, F.T))
    t = np.linspace(-0.5, 0.5, 40)
    for i, x in enumerate(X[:2]):
        line = np.polyfit(t, x, 1)
        d = x - np.polyval(line, t)  # the detrended signal, by least squares
        assert col["slope"][i] == pytest.approx(line[0])
        np.testing.assert_allclose([col[f"fft{k}"][i] for k in range(1, 21)], np.abs(np.fft.rfft(d))[1:], atol=1e-9)
        acf = [np.dot(d, np.roll(d, -k)) / np.dot(d, d) for k in range(1, 21)]
        np.testing.assert_allclose([col[f"acf{k}"][i] for k in range(1, 21)], acf, atol=1e-9)
        np.testing.assert_allclose([col[f"q{q}"][i] for q in range(0, 101, 10)], np.percentile(d, range(0, 101, 10)))
        top = int(np.argmax(d))
        assert col["argmax"][i] == top and col["from_max0"][i] == pytest.approx(d.max())
        np.testing.assert_allclose([col[f"from_max{j}"][i] for j in range(40)], np.roll(d, -top), atol=1e-12)


@pytest.mark.parametrize("group", ["quantiles", "fft", "autocorr", "aligned"])
def test_groups_read_from_the_detrended_signal_ignore_circular_shifts(group):
    from dlml.features import _detrend, _group

    D, slope = _detrend(X)
    np.testing.assert_allclose(
        _group(group, X, D, slope)[0], _group(group, X, np.roll(D, 9, axis=1), slope)[0], atol=1e-9
    )


def test_peak_positions_of_a_bump_and_a_dip():
    x = np.zeros(40)
    x[10], x[18], x[30] = 3.0, -2.0, 1.0
    t = np.linspace(-0.5, 0.5, 40)
    d = x - np.polyval(np.polyfit(t, x, 1), t)  # a sloped background: the dip leaves a small local maximum
    n_local_max = sum(d[i] > d[i - 1] and d[i] > d[i + 1] for i in range(1, 39))
    F, names = signal_features([x], groups=["peaks"])
    assert dict(zip(names, F[0])) == {"argmax": 10, "argmin": 18, "max_to_min": 8, "n_local_max": n_local_max}
    assert n_local_max == 3


def test_lists_are_accepted():
    F, _ = signal_features(X.tolist(), groups=["fft"])
    np.testing.assert_allclose(F, signal_features(X, groups=["fft"])[0])


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros(40), r"2-D array .* got shape \(40,\)"),
        (np.zeros((0, 40)), r"X is empty \(0 signals\)"),
        (np.zeros((2, 3)), "at least 4 samples; got length 3"),
        (np.array([[0.0, 1.0, np.nan, 2.0]]), "1 NaN or infinite"),
        ([["a", "b", "c", "d"]], "X must be an array of numbers"),
    ],
)
def test_bad_signals_are_explained(x, message):
    with pytest.raises(ValueError, match=message):
        signal_features(x)


@pytest.mark.parametrize(
    "groups, message",
    [
        (["wavelets"], "from " + str(GROUPS).replace("(", r"\(").replace(")", r"\)")),
        ([], "non-empty sequence"),
        ("fft", "not a string"),
        (["fft", "fft"], "once"),
    ],
)
def test_bad_groups_are_explained(groups, message):
    with pytest.raises(ValueError, match=message):
        signal_features(X, groups=groups)


# ----------------------------------------------------------------------------- random kernels

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from dlml.compare import with_seed  # noqa: E402
from dlml.features import KERNEL_LENGTH, RandomKernelFeatures  # noqa: E402


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
