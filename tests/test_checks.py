import numpy as np
import pytest
import torch

from dlml.checks import as_matrix


def test_as_matrix_converts_lists_and_tensors():
    assert as_matrix([[1, 2]]).dtype == np.float32
    assert as_matrix(torch.ones(3, 2), dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros(3), r"X must be a 2-D array of shape \(n_examples, n_features\); got shape \(3,\)"),
        (np.zeros((0, 3)), r"X is empty \(0 examples\)"),
        (np.array([[np.inf, np.nan]]), "X contains 2 NaN or infinite"),
        ([["a"]], "X must be an array of numbers"),
    ],
)
def test_as_matrix_explains_bad_input(X, message):
    with pytest.raises(ValueError, match=message):
        as_matrix(X)


def test_as_matrix_names_the_argument_and_its_rows_and_can_raise_type_errors():
    with pytest.raises(ValueError, match=r"signals must be a 2-D array of shape \(n_signals, length\)"):
        as_matrix(np.zeros(4), "signals", rows="signals", columns="length")
    with pytest.raises(TypeError, match="must be an array of numbers"):
        as_matrix([["x"]], conversion_error=TypeError)
