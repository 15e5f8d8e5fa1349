"""Data-parallel training: one network trained by several processes at once.

Each process (a *rank*) holds a full copy of the model and takes its share of every
mini-batch. After each backward pass, PyTorch's ``DistributedDataParallel`` averages
the gradients over the ranks (an *all-reduce*), so every copy takes the same step. With
the same mini-batch, N ranks compute what one process computes, each on 1/N of the
examples. The ranks talk through the ``gloo`` backend on CPUs and ``nccl`` on NVIDIA GPUs.

The training loop is the book's one loop, :func:`dlml.train.fit`, which notices the
process group; this package adds the data, the launcher and the command line. Run it
under ``torchrun``, one process per CPU core or GPU::

    python -m torch.distributed.run --standalone --nproc_per_node=2 -m dlml.distributed \\
        --module cnn1d --epochs 10 --out result.json

or call :func:`train` in one process, without a launcher, to compare.

Examples
--------
>>> config = DistConfig(data="moons", n_train=200, n_test=100, module="mlp", module_params={"hidden": [16]},
...                     epochs=5, batch_size=50, lr=0.05)
>>> result = train(config)
>>> result.world_size, len(result.train_loss), result.backend is None
(1, 5, True)
"""

from dlml.distributed.launcher import command, launch, main, parse_args
from dlml.distributed.training import DistConfig, Result, device_and_backend, train
from dlml.ranks import local_batch_size

__all__ = [
    "DistConfig",
    "Result",
    "command",
    "device_and_backend",
    "launch",
    "local_batch_size",
    "main",
    "parse_args",
    "train",
]
