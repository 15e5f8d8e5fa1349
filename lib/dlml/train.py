"""The training loop: mini-batches held in memory, an optimiser, early stopping.

Every knob lives in one frozen :class:`TrainConfig`. :func:`fit` trains a module in
place and returns a :class:`History` of loss, accuracy and time per epoch. It is the one
training loop of the book: :mod:`dlml.estimator` wraps it for scikit-learn, and
:mod:`dlml.distributed` runs it in several processes at once, data-parallel.

Examples
--------
>>> import numpy as np
>>> from dlml.models import MLP
>>> X = np.random.default_rng(0).normal(size=(200, 2)).astype("float32")
>>> y = (X[:, 0] > 0).astype("int64")
>>> history = fit(MLP(2, (8,), 2), X, y, TrainConfig(epochs=20, lr=0.05, progress=False))
>>> history.train_acc[-1] > 0.9
True
"""

from __future__ import annotations

import copy
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from dlml.checks import integer, positive_int
from dlml.device import pick_device, torch_threads
from dlml.ranks import average_over_ranks, local_batch_size, rank_and_world_size
from dlml.seeds import book_seed

OPTIMISERS = ("sgd", "adam", "adamw")
LOSSES = ("cross_entropy", "mse")
SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides how a network is trained."""

    epochs: int = 100
    batch_size: int = 64
    optimiser: str = "adam"  # one of OPTIMISERS
    lr: float = 1e-3
    momentum: float = 0.0  # only for "sgd"
    schedule: str = "constant"  # one of SCHEDULES; "cosine" decays lr to 0 over all steps
    weight_decay: float = 0.0
    loss: str = "cross_entropy"  # "mse" for regression
    early_stopping: bool = False
    patience: int = 10  # epochs without a better validation loss before stopping
    seed: int = book_seed(0)  # initial weights and batch order
    device: str | None = None  # None: dlml.device.pick_device()
    # One thread was 2-4x faster than two for the book's small models on a 2-core CPU,
    # and a fixed count keeps results bit-identical whatever OMP_NUM_THREADS says.
    n_threads: int | None = 1
    progress: bool | None = None  # None: a bar unless DLML_PROGRESS=0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "patience"):
            value = getattr(self, name)
            positive_int(name, value)
        if self.optimiser not in OPTIMISERS:
            raise ValueError(f"optimiser must be one of {OPTIMISERS}; got {self.optimiser!r}.")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}; got {self.schedule!r}.")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}; got {self.loss!r}.")
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a positive number; got {self.lr!r}.")
        if self.weight_decay < 0 or self.momentum < 0:
            raise ValueError("weight_decay and momentum must be >= 0.")
        integer("n_threads", self.n_threads, none_ok=True)
        integer("seed", self.seed, minimum=0)


@dataclass
class History:
    """Loss, accuracy (``nan`` for regression) and training time per epoch."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)  # wall-clock time of each epoch's steps
    epoch_cpu_seconds: list[float] = field(default_factory=list)  # CPU time of this process in them
    best_epoch: int | None = None  # 1-based; the weights kept when early stopping
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.train_loss)

    def to_frame(self):
        """The history as a pandas DataFrame, one row per epoch."""
        import pandas as pd

        data = {k: v for k, v in asdict(self).items() if isinstance(v, list) and v}
        return pd.DataFrame(data, index=pd.RangeIndex(1, self.epochs + 1, name="epoch"))


def epochs_for_steps(steps: int, n: int, batch_size: int, *, minimum: int = 1) -> int:
    """The fewest epochs (at least ``minimum``) that make ``steps`` mini-batch steps over ``n`` examples.

    A step budget keeps training comparable across data sets of different sizes: a
    network trained on 100 examples for the epochs that suit 4,000 would take 40 times
    fewer steps.

    Examples
    --------
    >>> epochs_for_steps(200, 4000, 100), epochs_for_steps(200, 250, 100), epochs_for_steps(200, 4000, 100, minimum=40)
    (5, 67, 40)
    """
    for name, value in (("steps", steps), ("n", n), ("batch_size", batch_size), ("minimum", minimum)):
        positive_int(name, value)
    return max(minimum, -(-steps // -(-n // batch_size)))


def _make_optimiser(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    params = model.parameters()
    if cfg.optimiser == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
    if cfg.optimiser == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)


def _as_tensors(X: np.ndarray, y: np.ndarray, cfg: TrainConfig, device: torch.device):
    X, y = np.asarray(X, dtype=np.float32), np.asarray(y)
    # Read-only arrays (joblib hands workers memory-mapped ones) make torch warn; copy them.
    X, y = (a if a.flags.writeable else a.copy() for a in (X, y))
    Xt = torch.as_tensor(X, device=device)
    y_dtype = torch.int64 if cfg.loss == "cross_entropy" else torch.float32
    yt = torch.as_tensor(y, device=device).to(y_dtype)
    if cfg.loss == "mse" and yt.ndim == 1:
        yt = yt.unsqueeze(1)  # (n, 1), to match a one-output network
    return Xt, yt


def _show_progress(cfg: TrainConfig) -> bool:
    if cfg.progress is not None:
        return cfg.progress
    return os.environ.get("DLML_PROGRESS", "1") != "0"


@torch.no_grad()
def evaluate(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn, batch_size: int = 4096
) -> tuple[float, float]:
    """Mean loss and accuracy (``nan`` for regression) of ``model`` on tensors X, y."""
    model.eval()
    total_loss, correct = 0.0, 0
    for i in range(0, len(X), batch_size):
        out = model(X[i : i + batch_size])
        total_loss += loss_fn(out, y[i : i + batch_size]).item() * len(out)
        if y.dtype == torch.int64:
            correct += (out.argmax(1) == y[i : i + batch_size]).sum().item()
    acc = correct / len(X) if y.dtype == torch.int64 else float("nan")
    return total_loss / len(X), acc


def fit(
    model: nn.Module,
    X: np.ndarray,
    y: np.ndarray,
    config: TrainConfig = TrainConfig(),
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
) -> History:
    """Train ``model`` in place on (X, y) and return its history.

    The whole data set is moved to the device once; each epoch draws a seeded
    permutation and slices it into mini-batches, so no Python code runs per example.
    With ``config.early_stopping`` a validation set is required; training stops after
    ``patience`` epochs without a lower validation loss and the best weights are kept.
    Training runs on ``config.device``; the trained model is returned on the CPU, in
    evaluation mode. PyTorch's global random generator is left as it was.

    Under ``torch.distributed`` (a process group initialised, as ``python -m
    dlml.distributed`` does) every process runs this function on the same data: the model
    is wrapped in ``DistributedDataParallel``, each of the N ranks takes every N-th
    example of each mini-batch, and the gradients are averaged over the ranks, so the
    weights follow a one-process run up to rounding. The history is the ranks' average.

    Parameters
    ----------
    model : torch.nn.Module
    X, y : numpy.ndarray
        Inputs (n, ...) and targets (n,): class indices, or values for ``loss="mse"``.
    config : TrainConfig
    X_val, y_val : numpy.ndarray, optional
        A validation set, evaluated after every epoch.

    Returns
    -------
    History
    """
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got {len(X)} and {len(y)}.")
    if len(X) == 0:
        raise ValueError("cannot train on an empty data set (0 examples).")
    has_val = X_val is not None and y_val is not None
    if config.early_stopping and not has_val:
        raise ValueError("early_stopping=True needs a validation set (X_val and y_val).")
    rank, world_size = rank_and_world_size()
    if world_size > 1:  # every batch, the last one too, must split evenly over the ranks
        local_batch_size(config.batch_size, world_size)
        local_batch_size(len(X) % config.batch_size or config.batch_size, world_size)
    device = pick_device(config.device)
    if world_size > 1 and device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))  # one GPU per rank
    loss_fn = nn.CrossEntropyLoss() if config.loss == "cross_entropy" else nn.MSELoss()
    history = History()
    forked = [device] if device.type == "cuda" else []
    with torch_threads(config.n_threads), torch.random.fork_rng(devices=forked):
        torch.manual_seed(config.seed)  # dropout's draws
        model.to(device)
        # DDP broadcasts rank 0's weights, then averages the gradients in backward().
        net = nn.parallel.DistributedDataParallel(model) if world_size > 1 else model
        Xt, yt = _as_tensors(X, y, config, device)
        if has_val:
            Xv, yv = _as_tensors(X_val, y_val, config, device)
        optimiser = _make_optimiser(net, config)
        scheduler = None
        if config.schedule == "cosine":
            steps = config.epochs * -(-len(Xt) // config.batch_size)
            scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=steps)
        order = torch.Generator().manual_seed(config.seed)  # the same batch order on every rank
        best_loss, best_state, waited = float("inf"), None, 0
        epochs = range(config.epochs)
        if _show_progress(config) and rank == 0:
            from tqdm import tqdm  # a text bar: works in terminals and notebooks alike

            epochs = tqdm(epochs, desc="training", unit="epoch", leave=False)
        if world_size > 1:
            dist.barrier()  # start every rank's clock together
        for _ in epochs:
            tick, cpu_tick = time.perf_counter(), time.process_time()
            loss, acc = _train_one_epoch(net, Xt, yt, optimiser, scheduler, loss_fn, config.batch_size, order)
            if world_size > 1:
                loss, acc = average_over_ranks(loss, acc, device)
            history.train_loss.append(loss)
            history.train_acc.append(acc)
            history.epoch_seconds.append(time.perf_counter() - tick)
            history.epoch_cpu_seconds.append(time.process_time() - cpu_tick)
            if not has_val:
                continue
            val_loss, val_acc = evaluate(model, Xv, yv, loss_fn)
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            if val_loss < best_loss:
                best_loss, waited = val_loss, 0
                history.best_epoch = history.epochs
                best_state = copy.deepcopy(model.state_dict())
            elif config.early_stopping:
                waited += 1
                if waited >= config.patience:
                    history.stopped_early = True
                    break
        if config.early_stopping and best_state is not None:
            model.load_state_dict(best_state)
    # Hand the model back on the CPU, where notebooks inspect weights and call it on
    # NumPy data: the same notebook code then works whether it trained on a GPU or not.
    model.cpu().eval()
    return history


def _train_one_epoch(model, Xt, yt, optimiser, scheduler, loss_fn, batch_size, generator) -> tuple[float, float]:
    """One pass over the data in a seeded order; this rank's mean loss and accuracy."""
    model.train()
    perm = torch.randperm(len(Xt), generator=generator).to(Xt.device)
    batches, mine = perm.split(batch_size), perm
    rank, world_size = rank_and_world_size()
    if world_size > 1:  # this rank's share of each batch: every N-th example (batches split evenly)
        batches, mine = [batch[rank::world_size] for batch in batches], perm[rank::world_size]
    losses, predictions = [], []
    for idx in batches:
        xb, yb = Xt[idx], yt[idx]
        out = model(xb)
        if out.ndim == 3:  # an ensemble in one network (dlml.table_net): each member's loss, averaged
            loss = loss_fn(out.flatten(0, 1), yb.repeat_interleave(out.shape[1]))
            out = out.softmax(-1).mean(1)  # the members' mean probability, for the accuracy
        else:
            loss = loss_fn(out, yb)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if scheduler is not None:
            scheduler.step()
        # Kept on the device and summed once per epoch: a step adds no work beyond one argmax.
        losses.append(loss.detach())
        if yb.dtype == torch.int64:
            predictions.append(out.detach().argmax(1))
    loss = _epoch_loss(torch.stack(losses).cpu().numpy(), len(mine), batch_size // world_size)
    if not predictions:
        return loss, float("nan")
    return loss, (torch.cat(predictions) == yt[mine]).sum().item() / len(mine)


def _epoch_loss(batch_losses: np.ndarray, n: int, batch_size: int) -> float:
    """Mean loss per example over an epoch: each batch's mean loss times its size, summed in
    batch order as a float32 running total (the sum a loop of float32 additions gives)."""
    total = np.float32(0.0)
    for i, loss in enumerate(batch_losses):
        total = np.float32(total + np.float32(loss * np.float32(min(batch_size, n - i * batch_size))))
    return float(total) / n
