"""The command line of a data-parallel run, and a launcher that starts it under torchrun."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path

import torch
import torch.distributed as dist

from dlml.checks import positive_int
from dlml.data import NAMES, load
from dlml.device import pick_device
from dlml.distributed.training import DistConfig, device_and_backend, train
from dlml.models import ARCHITECTURES
from dlml.train import LOSSES, OPTIMISERS, SCHEDULES, TrainConfig

LOOPBACK = ("127.0.0.1", "localhost", "::1")

_HELP = {
    "data": f"data set, one of {NAMES}",
    "module": f"network, one of {tuple(ARCHITECTURES)}",
    "module_params": "the network's own settings as JSON, e.g. '{\"channels\": 48}'",
    "batch_size": "the mini-batch of all ranks together, split evenly over them",
    "optimiser": f"one of {OPTIMISERS}",
    "schedule": f"one of {SCHEDULES}",
    "loss": f"one of {LOSSES}",
}


def _settings() -> list:
    """DistConfig's fields, what is trained first (data, network), then how (TrainConfig's)."""
    how = {f.name for f in fields(TrainConfig)}
    return sorted(fields(DistConfig), key=lambda f: f.name in how)


def _option(kind: str, default) -> dict:
    """argparse settings for a DistConfig field whose annotation is ``kind`` (e.g. "int | None")."""
    base = kind.split(" | ")[0]
    if base == "bool":
        return {"action": argparse.BooleanOptionalAction, "default": default}
    if base == "dict":
        return {"type": json.loads, "default": default, "metavar": "JSON"}
    return {"type": {"int": int, "float": float, "str": str}[base], "default": default}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dlml.distributed",
        description="Data-parallel training of one of the book's networks; run it under torchrun.",
    )
    for f in _settings():  # one option per setting, so the two never drift apart
        parser.add_argument(f"--{f.name.replace('_', '-')}", help=_HELP.get(f.name), **_option(f.type, f.default))
    parser.add_argument("--out", type=Path, default=None, help="JSON file written by rank 0")
    parser.add_argument("--save", type=Path, default=None, help="rank 0 saves the trained weights here")
    return parser


def parse_args(argv: list[str] | None = None) -> tuple[DistConfig, Path | None, Path | None]:
    """Read the command line into a validated :class:`~dlml.distributed.DistConfig`, ``--out`` and ``--save``.

    A bad value exits with status 2 and a message that says what is accepted, as
    ``argparse`` does for its own errors.

    Examples
    --------
    >>> config, out, save = parse_args(["--module", "mlp", "--epochs", "3", "--out", "r.json"])
    >>> config.module, config.epochs, out.name, save
    ('mlp', 3, 'r.json', None)
    """
    parser = _parser()
    args = vars(parser.parse_args(argv))
    out, save = args.pop("out"), args.pop("save")
    try:
        config = DistConfig(**args)
    except (TypeError, ValueError) as error:
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
        _, backend = device_and_backend(int(os.environ.get("LOCAL_RANK", 0)), config.device)
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


def _arguments(config: DistConfig) -> list[str]:
    """The options that give ``config``: only the settings that differ from the defaults."""
    args = []
    for f in _settings():
        value, option = getattr(config, f.name), f"--{f.name.replace('_', '-')}"
        if value == f.default:
            continue
        if isinstance(value, bool):
            args.append(option if value else f"--no-{option[2:]}")
        else:
            args += [option, json.dumps(value) if isinstance(value, dict) else str(value)]
    return args


def command(
    config: DistConfig, nproc: int = 2, out: str | Path = "result.json", python: str = sys.executable
) -> list[str]:
    """The torchrun command line that trains ``config`` with ``nproc`` processes on this machine.

    Examples
    --------
    >>> " ".join(command(DistConfig(epochs=3), 2, python="python"))
    'python -m torch.distributed.run --standalone --nproc_per_node=2 -m dlml.distributed --epochs 3 --out result.json'
    """
    positive_int("nproc", nproc)
    launcher = [python, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}"]
    return [*launcher, "-m", "dlml.distributed", *_arguments(config), "--out", str(out)]


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
    if pick_device(config.device).type == "cuda" and torch.cuda.device_count() < nproc:
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
