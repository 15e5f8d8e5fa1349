"""Re-execute notebooks in place, each in a fresh kernel, and store their outputs.

Usage: ``python scripts/execute.py [NOTEBOOK ...]`` (default: every notebook). `make
execute` runs it on the CPU, with one thread and progress bars off, so that the stored
outputs are the ones `make test` re-creates. A cell that raises stops the run, unless it
is tagged ``raises-exception``.

Each executed notebook records when, how long and on what it ran in its metadata
(``metadata.dlml.execution``); the book's execution-statistics page is built from it.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dlml.report import environment, platform_record

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 600) -> float:
    """Execute one notebook in place; return the wall-clock seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nb.metadata["dlml"] = {"execution": execution_record(seconds)}
    nbformat.write(nb, path)
    return seconds


def execution_record(seconds: float) -> dict:
    """When, how long and on what a notebook was executed.

    ``platform`` (:func:`dlml.report.platform_record`) identifies the reference platform:
    `make test` compares outputs exactly only on a machine with the same record.
    """
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": round(seconds, 1),
        "cores": os.cpu_count(),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
        "device": environment()["device"],
        "platform": platform_record(),
    }


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "notebooks").rglob("*.ipynb"))
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
