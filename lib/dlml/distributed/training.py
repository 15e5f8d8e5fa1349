"""What a data-parallel run trains, and the run itself: :class:`DistConfig` and :func:`train`."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from dlml.checks import integer, positive_int
from dlml.data import NAMES, load
from dlml.device import pick_device, torch_threads
from dlml.models import ARCHITECTURES, build, count_parameters
from dlml.ranks import local_batch_size, rank_and_world_size
from dlml.seeds import book_seed
from dlml.train import TrainConfig, fit


@dataclass(frozen=True)
class DistConfig(TrainConfig):
    """A data set, a network and how to train it: the same on every rank.

    The training settings are those of :class:`dlml.train.TrainConfig`; ``batch_size``
    is the mini-batch of all ranks together, each of N ranks takes ``batch_size / N``.
    The network is named as in :class:`dlml.estimator.NeuralNetClassifier`: ``module``
    from ``dlml.models.ARCHITECTURES`` and ``module_params`` for its own settings.
    """

    data: str = "mnist1d"  # one of dlml.data.NAMES
    n_train: int = 4000
    n_test: int = 1000
    data_seed: int = book_seed(42)  # 42 with 4000/1000 is MNIST-1D's published split
    module: str = "cnn1d"  # one of dlml.models.ARCHITECTURES
    module_params: dict | None = None  # e.g. {"channels": 48}; None: the module's defaults

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.data not in NAMES:
            raise ValueError(f"data must be one of {NAMES}; got {self.data!r}.")
        if self.module not in ARCHITECTURES:
            raise ValueError(f"module must be one of {tuple(ARCHITECTURES)}; got {self.module!r}.")
        if self.module_params is not None and not isinstance(self.module_params, dict):
            raise TypeError(f"module_params must be a dict or None; got {self.module_params!r}.")
        for name in ("n_train", "n_test"):
            positive_int(name, getattr(self, name))
        integer("data_seed", self.data_seed, minimum=0)
        if self.batch_size > self.n_train:
            raise ValueError(f"batch_size ({self.batch_size}) must not exceed n_train ({self.n_train}).")
        if self.early_stopping:
            raise ValueError("early_stopping needs a validation set; distributed training does not hold one out.")


@dataclass
class Result:
    """What a run measured; :meth:`to_dict` is what rank 0 writes as JSON."""

    test_accuracy: float
    train_loss: list[float]  # mean loss over each epoch's mini-batches, averaged over the ranks
    wall_seconds: float  # the training loop only: not start-up, data loading or evaluation
    epoch_seconds: list[float]  # wall-clock time of each epoch (the fastest is the least disturbed)
    epoch_cpu_seconds: list[float]  # CPU time of this process (rank 0) per epoch: its work, not its waiting
    world_size: int
    backend: str | None  # "gloo" or "nccl"; None for one process without a process group
    device: str
    n_parameters: int
    config: dict
    model: nn.Module | None = field(default=None, repr=False)  # the trained network, on the CPU

    def to_dict(self) -> dict:
        """The measurements as plain JSON-ready values (without the model)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "model"}


def device_and_backend(local_rank: int = 0, requested: str | None = None) -> tuple[torch.device, str]:
    """This rank's device (``requested`` as in :func:`dlml.device.pick_device`) and the collective
    backend that suits it.

    CUDA (one GPU per rank, chosen by ``LOCAL_RANK``) talks through ``nccl``; everything
    else runs on the CPU with ``gloo`` (Apple's MPS has no collective backend).

    Examples
    --------
    >>> device_and_backend()  # on a machine without CUDA, or with DLML_DEVICE=cpu
    (device(type='cpu'), 'gloo')
    """
    if pick_device(requested).type == "cuda":
        return torch.device("cuda", local_rank), "nccl"
    return torch.device("cpu"), "gloo"


def train(config: DistConfig = DistConfig()) -> Result:
    """Train ``config``'s network with :func:`dlml.train.fit`, data-parallel if a process group is up.

    Without a process group (a plain call) this is ordinary mini-batch training in one
    process: the same as building the network after ``torch.manual_seed(config.seed)``
    and calling ``fit``. Under ``torchrun`` (see :func:`dlml.distributed.main`), each rank
    takes every ``world_size``-th example of each mini-batch and DDP averages the
    gradients, so the weights follow the one-process run up to rounding.

    Parameters
    ----------
    config : DistConfig

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        If a mini-batch cannot be split evenly over the ranks.
    """
    _, world_size = rank_and_world_size()
    local_batch_size(config.batch_size, world_size)  # fails before the data is loaded
    device, _ = device_and_backend(int(os.environ.get("LOCAL_RANK", 0)), config.device)
    ds = load(config.data, n_train=config.n_train, n_test=config.n_test, seed=config.data_seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)  # the same initial weights on every rank
        model = build(config.module, ds.n_features, ds.n_classes, **(config.module_params or {}))
    history = fit(model, ds.X_train, ds.y_train, config)
    with torch_threads(config.n_threads), torch.no_grad():
        predicted = model(torch.as_tensor(ds.X_test)).argmax(1).numpy()
    return Result(
        test_accuracy=float(np.mean(predicted == ds.y_test)),
        train_loss=history.train_loss,
        wall_seconds=sum(history.epoch_seconds),
        epoch_seconds=history.epoch_seconds,
        epoch_cpu_seconds=history.epoch_cpu_seconds,
        world_size=world_size,
        backend=dist.get_backend() if dist.is_available() and dist.is_initialized() else None,
        device=str(device),
        n_parameters=count_parameters(model),
        config=asdict(config),
        model=model,
    )
