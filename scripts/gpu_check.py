"""`make gpu-check`: the GPU path of the book, on a machine that has one.

1. Device selection: ``DLML_DEVICE=cuda`` must give a CUDA device (and a clear error
   where there is none).
2. The book's MNIST-1D CNN trains on the GPU; its accuracy and time are printed.
3. The pilot notebook runs top to bottom on the GPU and its verdict holds. Its outputs
   are not compared with the stored CPU ones: on a GPU the last digits differ.

Run with ``DLML_DEVICE=cpu`` to rehearse the script on a machine without a GPU.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from execute import execute  # noqa: E402

from dlml import data  # noqa: E402
from dlml.device import available_devices, pick_device  # noqa: E402
from dlml.estimator import mnist1d_cnn  # noqa: E402

PILOT = ROOT / "notebooks" / "01-what-is-deep-learning" / "01-a-neuron.ipynb"


def main() -> int:
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
    on_device = next(clf.module_.parameters()).device.type
    if on_device != device.type:
        print(f"FAIL: the network trained on {on_device}, not {device.type}")
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(PILOT.parent, Path(tmp) / PILOT.parent.name))
        seconds = execute(folder / PILOT.name)  # raises if any cell (the verdict too) fails
    print(f"pilot notebook on {device}: ran in {seconds:.1f} s, verdict supported")
    print("GPU CHECK PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
