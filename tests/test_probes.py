"""Probes that change a table in one way: numeric part, noise columns, a rotation, a smoother target."""

import dataclasses

import numpy as np
import pytest

from dlml import data, probes


@pytest.fixture(scope="module")
def credit():
    """Real loans: 9 numeric columns, some with gaps, and 4 categorical ones."""
    return data.load("credit_data", n_train=300, n_test=200, seed=0)


@pytest.fixture(scope="module")
def numbers(credit):
    return probes.numeric_part(credit)


def test_numeric_part_fills_gaps_with_the_training_median_and_standardises_with_training_statistics(credit, numbers):
    keep = [i for i in range(credit.n_features) if i not in credit.meta["categorical"]]
    raw = credit.X_train[:, keep].astype(np.float64)
    assert np.isnan(raw).any(), "the fixture should have gaps"
    filled = np.where(np.isnan(raw), np.nanmedian(raw, axis=0), raw)
    expected = (filled - filled.mean(axis=0)) / filled.std(axis=0)
    np.testing.assert_allclose(numbers.X_train, expected, atol=1e-5)
    assert numbers.feature_names == tuple(credit.feature_names[i] for i in keep)
    assert "categorical" not in numbers.meta and not np.isnan(numbers.X_test).any()
    np.testing.assert_array_equal(numbers.y_test, credit.y_test)


def test_noise_columns_are_appended_seeded_and_leave_the_rest_alone(numbers):
    noisy = probes.add_noise_columns(numbers, 4, seed=3)
    assert noisy.X_train.shape == (300, numbers.n_features + 4) and noisy.X_test.shape[1] == numbers.n_features + 4
    np.testing.assert_array_equal(noisy.X_train[:, : numbers.n_features], numbers.X_train)
    np.testing.assert_array_equal(noisy.X_train, probes.add_noise_columns(numbers, 4, seed=3).X_train)
    assert abs(float(noisy.X_train[:, -4:].std()) - 1) < 0.1


def test_a_rotation_keeps_every_distance_and_angle_between_rows_of_both_parts(numbers):
    turned = probes.rotate(numbers, seed=1)
    both, turned_both = (np.vstack([d.X_train, d.X_test]).astype(np.float64) for d in (numbers, turned))
    np.testing.assert_allclose(turned_both @ turned_both.T, both @ both.T, atol=1e-3)
    assert not np.allclose(turned.X_train, numbers.X_train, atol=0.1)  # the columns did change


def test_probes_that_need_numbers_explain_gaps_and_too_few_columns(credit, numbers):
    with pytest.raises(ValueError, match="has missing values; rotate numeric_part"):
        probes.rotate(credit)
    with pytest.raises(ValueError, match="has missing values; smooth numeric_part"):
        probes.smooth_target(credit, 1.0)
    moons = data.load("moons", n_train=20, n_test=10, seed=0)
    one_column = dataclasses.replace(moons, X_train=moons.X_train[:, :1], X_test=moons.X_test[:, :1])
    with pytest.raises(ValueError, match="a rotation needs at least 2 columns; moons has 1"):
        probes.rotate(one_column)
    with pytest.raises(TypeError, match="ds must be a dlml.data.Dataset; got ndarray"):
        probes.numeric_part(np.zeros((3, 2)))


def test_smoothing_takes_the_kernel_weighted_majority_of_the_training_labels(numbers):
    ell = 1.5
    smooth = probes.smooth_target(numbers, ell)
    X, y = numbers.X_train.astype(np.float64), numbers.y_train
    for i in (0, 7, 123):
        w = np.exp(-np.sum((X - X[i]) ** 2, axis=1) / (2 * ell**2))
        assert smooth.y_train[i] == np.argmax([w[y == c].sum() for c in range(numbers.n_classes)])
    np.testing.assert_array_equal(smooth.y_test, numbers.y_test)
    np.testing.assert_array_equal(smooth.X_train, numbers.X_train)


def test_length_scale_for_changes_the_share_of_labels_asked_for(numbers):
    for share in (0.05, 0.2):
        changed = np.mean(
            probes.smooth_target(numbers, probes.length_scale_for(numbers, share)).y_train != numbers.y_train
        )
        assert abs(changed - share) <= 0.02


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda ds: probes.smooth_target(ds, 0), "length_scale must be a number > 0; got 0"),
        (lambda ds: probes.length_scale_for(ds, 1.0), r"share must be a number in \(0, 1\); got 1.0"),
        (lambda ds: probes.add_noise_columns(ds, 0), "n must be"),
    ],
)
def test_bad_settings_are_explained(numbers, call, message):
    with pytest.raises(ValueError, match=message):
        call(numbers)
