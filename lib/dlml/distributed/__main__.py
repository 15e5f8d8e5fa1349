"""``python -m dlml.distributed``: one rank of a torchrun job (see :func:`dlml.distributed.main`)."""

import sys

from dlml.distributed.launcher import main

sys.exit(main())
