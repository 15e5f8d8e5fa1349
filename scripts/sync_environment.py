"""Write environment.yml from requirements.lock, so conda and Binder get the same pins.

``python scripts/sync_environment.py`` rewrites the file; the test suite compares the two
with :func:`pins_of_environment` and :func:`pins_of_lock`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

HEADER = """\
# The book's environment for conda and Binder. Generated from requirements.lock by
# scripts/sync_environment.py (run by `make lock`); do not edit the pins by hand.
# The extra index gives Binder PyTorch's CPU build instead of a multi-GB CUDA one.
"""


def pins_of_lock(path: Path = ROOT / "requirements.lock") -> list[str]:
    """The ``name==version`` lines of the lock, in order."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def pins_of_environment(path: Path = ROOT / "environment.yml") -> list[str]:
    """The pip pins of environment.yml, without options and the book's own package."""
    spec = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [p for p in pip if not p.startswith("-")]


def render() -> str:
    """The text environment.yml should have."""
    spec = {
        "name": "dlml",
        "channels": ["conda-forge"],
        "dependencies": [
            "python=3.11",
            "pip",
            {"pip": ["--extra-index-url https://download.pytorch.org/whl/cpu", "--editable .", *pins_of_lock()]},
        ],
    }
    return HEADER + yaml.safe_dump(spec, sort_keys=False, width=200)


def main() -> int:
    (ROOT / "environment.yml").write_text(render())
    print("wrote environment.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
