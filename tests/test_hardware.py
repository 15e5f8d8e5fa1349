import numpy as np
import pytest
import torch

from dlml.hardware import matmul_gflops, peak_memory


def test_peak_memory_sees_numpy_and_torch_allocations():
    _, numpy_bytes = peak_memory(lambda: np.ones(8_000_000).sum())  # 64 MB
    _, torch_bytes = peak_memory(lambda: torch.ones(16_000_000).sum())  # 64 MB
    _, nothing = peak_memory(lambda: 1 + 1)
    assert numpy_bytes > 40e6 and torch_bytes > 40e6 and nothing < 10e6


def test_matmul_speed_is_positive_and_finite():
    speed = matmul_gflops(128, "cpu", repeats=2)
    assert np.isfinite(speed) and speed > 0.01


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: peak_memory(42), TypeError, "fn must be callable; got int"),
        (lambda: matmul_gflops(0), ValueError, "n must be a positive integer; got 0"),
        (lambda: matmul_gflops(8, "gpu"), ValueError, r"must be one of \('cpu', 'cuda', 'mps'\); got 'gpu'"),
        (lambda: matmul_gflops(8, dtype=torch.int32), ValueError, "dtype must be a floating-point torch.dtype"),
    ],
)
def test_bad_arguments_are_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()
