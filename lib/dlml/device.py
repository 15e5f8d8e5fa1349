"""Where tensors live and how many threads compute on them.

The book runs on a laptop CPU; a GPU only makes it faster. ``pick_device`` prefers
CUDA, then Apple's MPS, then the CPU, and the ``DLML_DEVICE`` environment variable
overrides the choice (the test suite sets ``DLML_DEVICE=cpu``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

DEVICES = ("cpu", "cuda", "mps")
ENV_VAR = "DLML_DEVICE"


def available_devices() -> tuple[str, ...]:
    """Return the device kinds this machine can use, best first.

    Examples
    --------
    >>> "cpu" in available_devices()
    True
    """
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return tuple(found)


def pick_device(requested: str | None = None) -> torch.device:
    """Return the device to compute on.

    Parameters
    ----------
    requested : {"cpu", "cuda", "mps"} or None
        The device to use. ``None`` reads ``DLML_DEVICE``; if that is unset too, the
        best available device is chosen (CUDA, then MPS, then CPU).

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If the name is not one of ``DEVICES``.
    RuntimeError
        If the requested device is not present on this machine.

    Examples
    --------
    >>> pick_device("cpu")
    device(type='cpu')
    """
    source = "argument"
    if requested is None:
        requested = os.environ.get(ENV_VAR) or None
        source = f"environment variable {ENV_VAR}"
    available = available_devices()
    if requested is None:
        return torch.device(available[0])
    name = str(requested).strip().lower()
    if name not in DEVICES:
        raise ValueError(f"device ({source}) must be one of {DEVICES}; got {requested!r}.")
    if name not in available:
        raise RuntimeError(
            f"device {name!r} was requested ({source}) but is not available on this machine; available: {available}."
        )
    return torch.device(name)


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run a block with ``n`` intra-op PyTorch threads (``None``: leave as is), then restore.

    Examples
    --------
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
