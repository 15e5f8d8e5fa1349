import pytest
import torch

from dlml import device
from dlml.device import pick_device, seed_everything


@pytest.fixture
def machine(monkeypatch):
    """Pretend the machine has the given accelerators."""

    def have(cuda=False, mps=False):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    monkeypatch.delenv("DLML_DEVICE", raising=False)
    return have


@pytest.mark.parametrize(
    "cuda, mps, expected",
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_best_available_device_is_chosen(machine, cuda, mps, expected):
    machine(cuda=cuda, mps=mps)
    assert pick_device() == torch.device(expected)


def test_available_devices_lists_best_first(machine):
    machine(cuda=True, mps=True)
    assert device.available_devices() == ("cuda", "mps", "cpu")


def test_environment_variable_overrides_the_choice(machine, monkeypatch):
    machine(cuda=True)
    monkeypatch.setenv("DLML_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")


def test_argument_overrides_environment(machine, monkeypatch):
    machine(cuda=True)
    monkeypatch.setenv("DLML_DEVICE", "cuda")
    assert pick_device("cpu") == torch.device("cpu")


def test_name_is_case_insensitive(machine):
    machine(mps=True)
    assert pick_device("MPS") == torch.device("mps")


def test_absent_cuda_is_a_clear_error(machine, monkeypatch):
    machine(cuda=False, mps=True)
    monkeypatch.setenv("DLML_DEVICE", "cuda")
    with pytest.raises(
        RuntimeError, match=r"'cuda' was requested \(environment variable DLML_DEVICE\).*available: \('mps', 'cpu'\)"
    ):
        pick_device()


def test_unknown_device_name_lists_accepted_ones(machine):
    machine()
    with pytest.raises(ValueError, match=r"must be one of \('cpu', 'cuda', 'mps'\); got 'gpu'"):
        pick_device("gpu")


def test_empty_environment_variable_means_automatic(machine, monkeypatch):
    machine(mps=True)
    monkeypatch.setenv("DLML_DEVICE", "")
    assert pick_device() == torch.device("mps")


def test_seed_everything_makes_torch_and_numpy_repeat():
    import numpy as np

    seed_everything(3)
    first = torch.rand(3), np.random.rand(3)
    seed_everything(3)
    second = torch.rand(3), np.random.rand(3)
    assert torch.equal(first[0], second[0]) and (first[1] == second[1]).all()


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_must_be_a_non_negative_integer(bad, error):
    with pytest.raises(error, match="seed must be a non-negative integer"):
        seed_everything(bad)
