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
