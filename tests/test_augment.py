import numpy as np
import pytest

from dlml.augment import MODES, random_shifts, shift

X = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0]])


def test_circular_shift_is_np_roll_row_by_row():
    out = shift(X, [2, -1])
    np.testing.assert_array_equal(out[0], np.roll(X[0], 2))
    np.testing.assert_array_equal(out[1], np.roll(X[1], -1))


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("zeros", [[0, 0, 1, 2, 3], [20, 30, 40, 50, 0]]),
        ("edge", [[1, 1, 1, 2, 3], [20, 30, 40, 50, 50]]),
    ],
)
def test_padded_shifts_fill_the_emptied_places(mode, expected):
    np.testing.assert_array_equal(shift(X, [2, -1], mode=mode), expected)


@pytest.mark.parametrize("mode", MODES)
def test_zero_shift_changes_nothing_and_input_is_not_modified(mode):
    before = X.copy()
    np.testing.assert_array_equal(shift(X, 0, mode=mode), X)
    shift(X, 3, mode=mode)
    np.testing.assert_array_equal(X, before)


def test_dtype_and_shape_are_kept():
    out = shift(X.astype(np.float32), 1)
    assert out.dtype == np.float32 and out.shape == X.shape


def test_random_shifts_keeps_the_originals_first_and_repeats_the_labels():
    rng = np.random.default_rng(0)
    signals = rng.normal(size=(30, 40))
    X_aug, y_aug = random_shifts(signals, np.arange(30) % 10, copies=3, max_shift=4, seed=0)
    assert X_aug.shape == (120, 40) and y_aug.tolist() == (np.arange(30) % 10).tolist() * 4
    np.testing.assert_array_equal(X_aug[:30], signals)
    # every copy is some circular shift of its original by at most 4 steps
    for row, original in zip(X_aug[30:], np.tile(signals, (3, 1))):
        assert any(np.array_equal(row, np.roll(original, k)) for k in range(-4, 5))


def test_random_shifts_are_seeded_and_vary():
    signals = np.random.default_rng(1).normal(size=(50, 40))
    a, _ = random_shifts(signals, np.zeros(50), copies=1, seed=5)
    b, _ = random_shifts(signals, np.zeros(50), copies=1, seed=5)
    c, _ = random_shifts(signals, np.zeros(50), copies=1, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a[50:], signals)  # some signals did move


def test_no_copies_returns_the_data():
    X_aug, y_aug = random_shifts(X, [0, 1], copies=0, max_shift=2)
    np.testing.assert_array_equal(X_aug, X)
    assert y_aug.tolist() == [0, 1]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: shift(X, 1, mode="wrap"), r"mode must be one of \('circular', 'zeros', 'edge'\); got 'wrap'"),
        (lambda: shift(X[0], 1), r"non-empty 2-D array .* got shape \(5,\)"),
        (lambda: shift(np.zeros((0, 5)), 1), "non-empty 2-D array"),
        (lambda: shift([["a", "b"]], 1), "X must be an array of numbers"),
        (lambda: shift([[1.0, np.inf]], 1), "finite numbers only"),
        (lambda: shift(X, [1, 2, 3]), "shifts must be an integer or 2 integers, one per signal"),
        (lambda: shift(X, 1.5), "shifts must be an integer"),
        (lambda: shift(X, [5, 0]), "smaller than the signal length 5"),
        (lambda: random_shifts(X, [0]), r"y must have one label per signal, shape \(2,\); got shape \(1,\)"),
        (lambda: random_shifts(X, [0, 1], copies=-1, max_shift=2), "copies must be a non-negative integer; got -1"),
        (lambda: random_shifts(X, [0, 1], max_shift=5), "max_shift must be an integer from 0 to 4"),
        (lambda: random_shifts(X, [0, 1], max_shift=2, seed=-3), "seed must be a non-negative integer; got -3"),
    ],
)
def test_bad_arguments_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()
