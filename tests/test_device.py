import pytest
import torch

from dlml import device
from dlml.device import pick_device, torch_threads


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


def test_torch_threads_sets_the_count_for_the_block_and_restores_it():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before
