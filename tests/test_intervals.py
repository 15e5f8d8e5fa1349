import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dlml.intervals import paired_difference, percent_intervals

A = np.array([81.0, 84.5, 79.0, 86.0, 83.5])
B = np.array([78.0, 83.0, 79.5, 82.0, 80.0])


def test_a_fixed_test_set_gives_scipys_paired_t_test():
    result = paired_difference(A, B)
    reference = stats.ttest_rel(A, B)
    low, high = reference.confidence_interval(0.95)
    assert result["mean"] == pytest.approx(np.mean(A - B))
    assert (result["low"], result["high"]) == pytest.approx((low, high))
    assert result["p"] == pytest.approx(reference.pvalue)
    one_sided = stats.ttest_rel(A, B, alternative="less").confidence_interval(0.95).high
    assert result["upper"] == pytest.approx(one_sided)


def test_re_splits_widen_the_interval_by_nadeau_and_bengios_correction():
    plain, corrected = paired_difference(A, B), paired_difference(A, B, test_over_train=0.25)
    # the standard error grows from sqrt(var / J) to sqrt(var * (1 / J + 0.25))
    ratio = np.sqrt((1 / 5 + 0.25) / (1 / 5))
    assert corrected["high"] - corrected["mean"] == pytest.approx(ratio * (plain["high"] - plain["mean"]))
    assert corrected["p"] > plain["p"]


def test_identical_differences_have_no_interval():
    result = paired_difference([2.0, 3.0], [1.0, 2.0])
    assert result["low"] == result["high"] == result["upper"] == 1.0 and result["p"] == 0.0


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (([1.0], [2.0]), {}, "at least 2; got 1"),
        ((A, B), {"level": 1.5}, r"level must be in \(0, 1\)"),
        ((A, B), {"test_over_train": -0.1}, "test_over_train >= 0"),
    ],
)
def test_bad_arguments_are_explained(args, settings, message):
    with pytest.raises(ValueError, match=message):
        paired_difference(*args, **settings)


def test_percent_intervals_stay_within_0_and_100_best_first():
    table = pd.DataFrame({"model": ["a"] * 3 + ["b"] * 3, "test_accuracy": [1.0, 1.0, 0.97, 0.5, 0.6, 0.7]})
    out = percent_intervals(table)
    assert out.index.tolist() == ["a", "b"] and out.loc["a", "high"] == 100.0
    assert out.loc["b", "mean"] == pytest.approx(60.0) and out.loc["b", "n"] == 3


def test_percent_intervals_of_another_column():
    table = pd.DataFrame(
        {"model": ["a", "a", "b", "b"], "test_accuracy": [0.9, 0.9, 0.8, 0.8], "test_auc": [0.6, 0.7, 0.9, 0.9]}
    )
    out = percent_intervals(table, value="test_auc")
    assert out.index.tolist() == ["b", "a"] and out.loc["a", "mean"] == pytest.approx(65.0)
