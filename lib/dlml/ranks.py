"""Which process this is when several train one network, and its share of the work.

Under ``torch.distributed`` (started by ``torchrun``), N processes (*ranks*) train copies of
one network on shares of every mini-batch; :func:`dlml.train.fit` uses these helpers to
split the batches and to average what the ranks measured. Without a process group there
is one rank, and nothing is split.

Examples
--------
>>> rank_and_world_size()  # a plain Python process
(0, 1)
"""

from __future__ import annotations

import torch
import torch.distributed as dist

from dlml.checks import positive_int


def rank_and_world_size() -> tuple[int, int]:
    """(rank, world size) of this process: (0, 1) unless a torch.distributed process group is up."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def local_batch_size(batch_size: int, world_size: int) -> int:
    """Each process's share of a mini-batch when ``world_size`` processes train together.

    Equal shares make the average of the processes' mean gradients equal the mean
    gradient of the whole batch, which is what one process would compute.

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


def average_over_ranks(loss: float, acc: float, device: torch.device) -> tuple[float, float]:
    """The mean of every rank's epoch loss and accuracy: their shares are the same size."""
    both = torch.tensor([loss, acc], dtype=torch.float64, device=device)
    dist.all_reduce(both)
    loss, acc = (both / dist.get_world_size()).tolist()
    return loss, acc
