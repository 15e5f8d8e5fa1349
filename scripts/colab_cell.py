"""Write (or check) the Colab set-up cell at the top of every notebook.

On Colab a notebook cannot import ``dlml`` until the book's package is installed, so
each notebook starts with a cell that installs it, pinned to the book's version, only
when it runs on Colab. The cell is hidden on the website (tag ``remove-cell``). This
script is the single source of that cell: ``python scripts/colab_cell.py`` rewrites the
cell in every notebook, ``--check`` only reports notebooks that differ (the tests use it).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAGS = ["remove-cell", "colab-setup"]
TEMPLATE = '''\
# Colab only: install the book's library, pinned to the book's version.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "dlml @ git+{url}@v{version}"'''


def expected_source() -> str:
    """The set-up cell's source, from pyproject.toml's version and _config.yml's repository."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"_config.yml repository.url must be a GitHub repository URL; got {url!r}.")
    return TEMPLATE.format(url=url, version=version)


def notebooks() -> list[Path]:
    """Every notebook of the book."""
    return sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def is_current(path: Path) -> bool:
    """Whether the notebook's first cell is the expected set-up cell, tagged."""
    first = nbformat.read(path, as_version=4).cells[0]
    return (
        first.cell_type == "code"
        and first.source == expected_source()
        and all(t in first.metadata.get("tags", []) for t in TAGS)
    )


def write(path: Path) -> None:
    """Put the current set-up cell at the top of the notebook (replacing an old one)."""
    nb = nbformat.read(path, as_version=4)
    if nb.cells and "colab-setup" in nb.cells[0].metadata.get("tags", []):
        nb.cells.pop(0)
    cell = nbformat.v4.new_code_cell(expected_source(), metadata={"tags": list(TAGS)})
    cell.execution_count, cell.outputs = None, []
    nb.cells.insert(0, cell)
    nbformat.write(nb, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that differ")
    args = parser.parse_args()
    stale = [p for p in notebooks() if not is_current(p)]
    if args.check:
        for p in stale:
            print(f"{p.relative_to(ROOT)}: Colab set-up cell missing or out of date")
        return 1 if stale else 0
    for p in stale:
        write(p)
        print(f"updated {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
