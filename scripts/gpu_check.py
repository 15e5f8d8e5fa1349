"""`make gpu-check`: the GPU path of the book, on a machine that has one.

1. Device selection: ``DLML_DEVICE=cuda`` must give a CUDA device (and a clear error
   where there is none).
2. The book's MNIST-1D CNN trains on the GPU; its accuracy and time are printed.
3. The pilot notebook runs top to bottom on the GPU, its verdict cell included. Its outputs
   are not compared with the stored CPU ones: on a GPU the last digits differ. Where
   Jupyter is not installed (a bare GPU image), its code cells run in this process
   instead, in order, in one namespace, with ``myst_nb.glue`` replaced by a no-op.

Usage: ``python scripts/gpu_check.py [NOTEBOOK ...]`` (default: the pilot notebook).
Run with ``DLML_DEVICE=cpu`` to rehearse the script on a machine without a GPU.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import types
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from dlml import data  # noqa: E402
from dlml.device import available_devices, pick_device  # noqa: E402
from dlml.recipes import mnist1d_cnn  # noqa: E402

PILOT = ROOT / "notebooks" / "01-what-is-deep-learning" / "01-a-neuron.ipynb"


def main(notebooks: list[Path]) -> int:
    wanted = os.environ.setdefault("DLML_DEVICE", "cuda")
    print(f"available devices: {available_devices()}")
    device = pick_device()  # raises, naming what is available, if `wanted` is absent
    print(f"DLML_DEVICE={wanted} -> {device}")
    if device.type == "cuda":
        print(f"GPU: {torch.cuda.get_device_name(0)}")

    ds = data.load("mnist1d", seed=42)
    clf = mnist1d_cnn(seed=0)
    start = time.perf_counter()
    clf.fit(ds.X_train, ds.y_train)
    seconds = time.perf_counter() - start
    accuracy = clf.score(ds.X_test, ds.y_test)
    print(f"book CNN on {device}: test accuracy {accuracy:.3f}, fit {seconds:.1f} s")
    if device.type == "cuda" and torch.cuda.max_memory_allocated() == 0:
        print("FAIL: nothing was allocated on the GPU while training")
        return 1

    failed = []
    for path in notebooks:
        try:
            seconds = run_notebook(path)  # raises if any cell (the verdict too) fails
        except Exception as error:  # report every notebook, then fail
            traceback.print_exc()
            print(f"FAIL: {path.name} on {device}: {type(error).__name__}: {error}")
            failed.append(path.name)
            continue
        print(f"{path.name} on {device}: ran in {seconds:.1f} s, every cell including the verdict")
    print(f"GPU CHECK {'FAILED: ' + ', '.join(failed) if failed else 'PASSED'}")
    return 1 if failed else 0


def run_notebook(path: Path) -> float:
    """Execute a copy of the notebook; return the seconds it took."""
    try:
        from execute import execute  # needs nbclient and a Jupyter kernel
    except ImportError:
        return run_cells_in_process(path)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(path.parent, Path(tmp) / path.parent.name))
        return execute(folder / path.name)


def run_cells_in_process(path: Path) -> float:
    """Run the notebook's code cells here, in order (not the Colab set-up cell)."""
    try:
        import myst_nb  # noqa: F401
    except ImportError:
        sys.modules["myst_nb"] = types.SimpleNamespace(glue=lambda *args, **kwargs: None)
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {"__name__": "__main__", "display": lambda *objects, **_: print(*objects)}
    start = time.perf_counter()
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code" or "colab-setup" in cell["metadata"].get("tags", []):
            continue
        exec(compile("".join(cell["source"]), str(path), "exec"), namespace)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main([Path(a).resolve() for a in sys.argv[1:]] or [PILOT]))
