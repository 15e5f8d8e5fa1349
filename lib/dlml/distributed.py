"""Data-parallel training: one network trained by several processes at once.

Each process (a *rank*) holds a full copy of the model and takes its share of every
mini-batch. After each backward pass, PyTorch's ``DistributedDataParallel`` averages
the gradients over the ranks (an *all-reduce*), so every copy takes the same step. With
the same *global* batch, N ranks compute what one process computes, each on 1/N of the
examples. The ranks talk through the ``gloo`` backend on CPUs and ``nccl`` on NVIDIA GPUs.

Run it under ``torchrun``, one process per CPU core or GPU::

    python -m torch.distributed.run --standalone --nproc_per_node=2 -m dlml.distributed \\
        --model cnn1d --epochs 10 --out result.json

or call :func:`train` in one process, without a launcher, to compare.

Examples
--------
>>> config = DistConfig(data="moons", n_train=200, n_test=100, model="mlp", width=16,
...                     epochs=5, batch_size=50, lr=0.05)
>>> result = train(config)
>>> result.world_size, len(result.train_loss), result.backend is None
(1, 5, True)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn import functional as F

from dlml.checks import integer, positive_int
from dlml.data import NAMES, load
from dlml.device import pick_device
from dlml.models import MLP, CNN1d, count_parameters
from dlml.seeds import book_seed
from dlml.train import torch_threads

MODELS = ("mlp", "cnn1d")
OPTIMISERS = ("sgd", "adam")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class DistConfig:
    """Everything that decides a data-parallel training run (the same on every rank)."""

    data: str = "mnist1d"  # one of dlml.data.NAMES
    n_train: int = 4000
    n_test: int = 1000
    data_seed: int = book_seed(42)  # 42 with 4000/1000 is MNIST-1D's published split
    model: str = "cnn1d"  # one of MODELS
    width: int | None = None  # CNN channels (None: 48) or MLP units per hidden layer (None: 128)
    epochs: int = 10
    batch_size: int = 100  # the GLOBAL batch: each of N ranks takes batch_size / N of it
    optimiser: str = "adam"  # one of OPTIMISERS
    lr: float = 1e-2
    seed: int = book_seed(0)  # initial weights and batch order, shared by all ranks

    def __post_init__(self) -> None:
        if self.data not in NAMES:
            raise ValueError(f"data must be one of {NAMES}; got {self.data!r}.")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}; got {self.model!r}.")
        if self.optimiser not in OPTIMISERS:
            raise ValueError(f"optimiser must be one of {OPTIMISERS}; got {self.optimiser!r}.")
        for name in ("n_train", "n_test", "epochs", "batch_size"):
            positive_int(name, getattr(self, name))
        if self.width is not None:
            positive_int("width", self.width)
        for name in ("seed", "data_seed"):
            value = getattr(self, name)
            integer(name, value, minimum=0)
        if not (isinstance(self.lr, (int, float)) and np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a positive number; got {self.lr!r}.")
        if self.batch_size > self.n_train:
            raise ValueError(f"batch_size ({self.batch_size}) must not exceed n_train ({self.n_train}).")


@dataclass
class Result:
    """What a run measured; :meth:`to_dict` is what rank 0 writes as JSON."""

    test_accuracy: float
    train_loss: list[float]  # mean loss over each epoch's global batches
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


def build_model(config: DistConfig, n_features: int, n_classes: int) -> nn.Module:
    """The network ``config.model`` asks for, with the book's default widths.

    Examples
    --------
    >>> build_model(DistConfig(model="mlp", width=8), 40, 10)(torch.zeros(3, 40)).shape
    torch.Size([3, 10])
    """
    if config.model == "cnn1d":
        return CNN1d(n_features, n_classes, channels=config.width or 48)
    width = config.width or 128
    return MLP(n_features, (width, width), n_classes)


def device_and_backend(local_rank: int = 0) -> tuple[torch.device, str]:
    """This rank's device and the collective backend that suits it.

    CUDA (one GPU per rank, chosen by ``LOCAL_RANK``) talks through ``nccl``; everything
    else runs on the CPU with ``gloo`` (Apple's MPS has no collective backend).

    Examples
    --------
    >>> device_and_backend()  # on a machine without CUDA, or with DLML_DEVICE=cpu
    (device(type='cpu'), 'gloo')
    """
    if pick_device().type == "cuda":
        return torch.device("cuda", local_rank), "nccl"
    return torch.device("cpu"), "gloo"


def local_batch_size(batch_size: int, world_size: int) -> int:
    """Each rank's share of a global batch, which must split evenly.

    Equal shares make the average of the ranks' mean gradients equal the mean gradient
    of the whole batch, which is what one process would compute.

    Examples
    --------
    >>> local_batch_size(100, 2)
    50
    """
    positive_int("batch_size", batch_size)
    positive_int("world_size", world_size)
    if batch_size % world_size:
        raise ValueError(
            f"batch_size ({batch_size}) must be a multiple of the world size ({world_size}), "
            "so that every rank gets the same share of each batch."
        )
    return batch_size // world_size


def train(config: DistConfig = DistConfig()) -> Result:
    """Train ``config``'s network, data-parallel if a process group is initialised.

    Without a process group (a plain call) this is ordinary mini-batch training in one
    process. Under ``torchrun`` (see :func:`main`), each rank takes every
    ``world_size``-th example of each global batch and DDP averages the gradients, so
    the weights follow the one-process run up to rounding. Each epoch uses
    ``n_train // batch_size`` full batches (the remainder is dropped, the same for any
    number of ranks).

    Parameters
    ----------
    config : DistConfig

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        If the global batch cannot be split evenly over the ranks.
    """
    parallel = dist.is_available() and dist.is_initialized()
    world_size, rank = (dist.get_world_size(), dist.get_rank()) if parallel else (1, 0)
    local_batch_size(config.batch_size, world_size)  # fails early if the batch does not split evenly
    device, _ = device_and_backend(int(os.environ.get("LOCAL_RANK", 0)))
    ds = load(config.data, n_train=config.n_train, n_test=config.n_test, seed=config.data_seed)
    steps = config.n_train // config.batch_size
    with torch_threads(1):  # one thread per process: the ranks share the cores
        X, y = torch.as_tensor(ds.X_train, device=device), torch.as_tensor(ds.y_train, device=device)
        torch.manual_seed(config.seed)  # the same initial weights on every rank
        model = build_model(config, ds.n_features, ds.n_classes).to(device)
        # DDP broadcasts rank 0's weights, then all-reduces the gradients in backward().
        net = nn.parallel.DistributedDataParallel(model) if parallel else model
        make = torch.optim.Adam if config.optimiser == "adam" else torch.optim.SGD
        optimiser = make(net.parameters(), lr=config.lr)
        order = torch.Generator().manual_seed(config.seed)  # the same batch order on every rank
        losses, times, cpu_times = [], [], []
        if parallel:
            dist.barrier()  # start the clock when every rank is ready
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        for _ in range(config.epochs):
            tick, cpu_tick = time.perf_counter(), time.process_time()
            perm = torch.randperm(config.n_train, generator=order).to(device)
            total = torch.zeros((), device=device)
            net.train()
            for s in range(steps):
                batch = perm[s * config.batch_size : (s + 1) * config.batch_size]  # (global batch,)
                idx = batch[rank::world_size]  # this rank's share: (batch_size / world_size,)
                loss = F.cross_entropy(net(X[idx]), y[idx])
                optimiser.zero_grad(set_to_none=True)
                loss.backward()  # under DDP: gradients averaged over the ranks here
                optimiser.step()
                total += loss.detach()
            if parallel:
                dist.all_reduce(total)  # sum of the ranks' losses
            losses.append(total.item() / (steps * world_size))  # .item() waits for the device
            times.append(time.perf_counter() - tick)
            cpu_times.append(time.process_time() - cpu_tick)
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            X_test = torch.as_tensor(ds.X_test, device=device)
            predicted = model(X_test).argmax(1).cpu().numpy()
    return Result(
        test_accuracy=float(np.mean(predicted == ds.y_test)),
        train_loss=losses,
        wall_seconds=seconds,
        epoch_seconds=times,
        epoch_cpu_seconds=cpu_times,
        world_size=world_size,
        backend=dist.get_backend() if parallel else None,
        device=str(device),
        n_parameters=count_parameters(model),
        config=asdict(config),
        model=model.cpu(),
    )


_HELP = {
    "data": f"data set, one of {NAMES}",
    "model": f"one of {MODELS}",
    "optimiser": f"one of {OPTIMISERS}",
    "width": "CNN channels or MLP hidden units (default: the model's own)",
    "batch_size": "the GLOBAL batch, split evenly over the ranks",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dlml.distributed",
        description="Data-parallel training of one of the book's networks; run it under torchrun.",
    )
    types = {"str": str, "int": int, "float": float, "int | None": int}
    for f in fields(DistConfig):  # one option per setting, so the two never drift apart
        parser.add_argument(
            f"--{f.name.replace('_', '-')}", type=types[f.type], default=f.default, help=_HELP.get(f.name)
        )
    parser.add_argument("--out", type=Path, default=None, help="JSON file written by rank 0")
    parser.add_argument("--save", type=Path, default=None, help="rank 0 saves the trained weights here")
    return parser


def parse_args(argv: list[str] | None = None) -> tuple[DistConfig, Path | None, Path | None]:
    """Read the command line into a validated :class:`DistConfig`, ``--out`` and ``--save``.

    A bad value exits with status 2 and a message that says what is accepted, as
    ``argparse`` does for its own errors.

    Examples
    --------
    >>> config, out, save = parse_args(["--model", "mlp", "--epochs", "3", "--out", "r.json"])
    >>> config.model, config.epochs, out.name, save
    ('mlp', 3, 'r.json', None)
    """
    parser = _parser()
    args = vars(parser.parse_args(argv))
    out, save = args.pop("out"), args.pop("save")
    try:
        config = DistConfig(**args)
    except ValueError as error:
        parser.error(str(error))
    return config, out, save


def main(argv: list[str] | None = None) -> int:
    """The ``python -m dlml.distributed`` entry point: one rank of a torchrun job.

    ``torchrun`` sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and
    ``MASTER_PORT``; the process group is initialised from them (``env://``). Without
    them the script trains in one process. On a single machine gloo is bound to the
    loopback interface, so nothing leaves the machine.
    """
    config, out, save = parse_args(argv)
    parallel = "RANK" in os.environ and "WORLD_SIZE" in os.environ
    if parallel:
        _, backend = device_and_backend(int(os.environ.get("LOCAL_RANK", 0)))
        if backend == "gloo" and os.environ.get("MASTER_ADDR", "127.0.0.1") in LOOPBACK:
            os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo0" if sys.platform == "darwin" else "lo")
        if backend == "nccl":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
        dist.init_process_group(backend, init_method="env://")
    try:
        result = train(config)
        if not parallel or dist.get_rank() == 0:
            if out is not None:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(result.to_dict(), indent=1))
            if save is not None:
                torch.save(result.model.state_dict(), save)
    finally:
        if parallel:
            dist.destroy_process_group()
    return 0


def command(
    config: DistConfig, nproc: int = 2, out: str | Path = "result.json", python: str = sys.executable
) -> list[str]:
    """The torchrun command line that trains ``config`` with ``nproc`` processes on this machine.

    Examples
    --------
    >>> " ".join(command(DistConfig(epochs=3), 2, python="python")[:7])
    'python -m torch.distributed.run --standalone --nproc_per_node=2 -m dlml.distributed'
    """
    positive_int("nproc", nproc)
    args = []
    for f in fields(DistConfig):
        value = getattr(config, f.name)
        if value is not None:
            args += [f"--{f.name.replace('_', '-')}", str(value)]
    return [
        python,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={nproc}",
        "-m",
        "dlml.distributed",
        *args,
        "--out",
        str(out),
    ]


def launch(config: DistConfig, nproc: int = 2, *, save: str | Path | None = None, timeout: float = 300) -> dict:
    """Run ``config`` under torchrun with ``nproc`` local processes; return rank 0's JSON.

    The data set is loaded here first, so that the ranks find it cached instead of
    generating it twice at once. The returned dict also has ``launch_seconds``: the
    wall-clock time of the whole job, start-up of the processes included.

    Raises
    ------
    RuntimeError
        If the job fails; the message ends with the tail of its output.
    """
    positive_int("nproc", nproc)
    if pick_device().type == "cuda" and torch.cuda.device_count() < nproc:
        raise ValueError(
            f"nproc={nproc} processes need {nproc} GPUs (one each); this machine has "
            f"{torch.cuda.device_count()}. Set DLML_DEVICE=cpu to run them on CPU cores."
        )
    load(config.data, n_train=config.n_train, n_test=config.n_test, seed=config.data_seed)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # also silences torchrun's warning about it
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        argv = command(config, nproc, out) + (["--save", str(save)] if save is not None else [])
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - start
        if done.returncode != 0 or not out.exists():
            tail = (done.stdout + done.stderr)[-3000:]
            raise RuntimeError(f"torchrun with {nproc} processes failed (exit {done.returncode}):\n{tail}")
        result = json.loads(out.read_text())
    return {**result, "launch_seconds": seconds}


if __name__ == "__main__":
    sys.exit(main())
