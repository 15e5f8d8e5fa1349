"""Settings for every test, set before any notebook kernel starts.

- ``DLML_DEVICE=cpu``: stored outputs were made on the CPU, so they are checked there.
- ``DLML_PROGRESS=0``: no progress bars in notebook outputs.
- ``IPYTHONDIR``: kernels run start-up files that block network access outside
  loopback, as ``--disable-socket`` does for the test process itself, and that store
  each figure's plotted data as its text form (``dlml.plots.figure_text``).
"""

import os
from pathlib import Path

os.environ["DLML_DEVICE"] = "cpu"
os.environ["DLML_PROGRESS"] = "0"
os.environ["IPYTHONDIR"] = str(Path(__file__).parent / "tests" / "ipython")

# The two levels of the book's guarantee: which one applies, and how notebooks are tested.
pytest_plugins = ["tests.notebook_levels"]
