"""What a page was executed with: the device and the versions of the main packages.

Every notebook prints this near its top, so a reader can see what produced the
numbers (and the tests notice when a stored page came from other versions).

Examples
--------
>>> "torch" in environment()
True
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from dlml.device import pick_device

PACKAGES = ("dlml", "torch", "scikit-learn", "numpy", "pandas", "matplotlib")


def environment(device: str | None = None) -> dict[str, str]:
    """The compute device and the versions of Python and the book's main packages.

    Parameters
    ----------
    device : str, optional
        As for :func:`dlml.device.pick_device`.
    """
    info = {"device": str(pick_device(device)), "python": platform.python_version()}
    for name in PACKAGES:
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = "not installed"
    return info


def describe(device: str | None = None) -> str:
    """One line per entry of :func:`environment`, aligned, for printing."""
    info = environment(device)
    width = max(map(len, info))
    return "\n".join(f"{k:<{width}}  {v}" for k, v in info.items())
