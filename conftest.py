"""Settings for every test, set before any notebook kernel starts.

- ``DLML_DEVICE=cpu``: stored outputs were made on the CPU, so they are checked there.
- ``DLML_PROGRESS=0``: no progress bars in notebook outputs.
- ``IPYTHONDIR``: kernels run a startup file that blocks network access outside
  loopback, as ``--disable-socket`` does for the test process itself.
"""

import os
from pathlib import Path

os.environ["DLML_DEVICE"] = "cpu"
os.environ["DLML_PROGRESS"] = "0"
os.environ["IPYTHONDIR"] = str(Path(__file__).parent / "tests" / "ipython")
