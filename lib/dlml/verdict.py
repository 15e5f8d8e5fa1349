"""The verdict cell of a notebook: a claim, the evidence, and a loud failure.

Each notebook ends by checking its claim against what it measured. When the
evidence stops supporting the claim (a new library version, a changed data set),
the cell raises and the test suite fails, instead of the book quietly going wrong.

Examples
--------
>>> verdict("two is more than one", {"2 > 1": 2 > 1})
SUPPORTED: two is more than one
  [x] 2 > 1
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


# The words a verdict's first line starts with; the tests compare them across machines.
OUTCOMES = ("SUPPORTED",)


class ClaimNotSupported(AssertionError):
    """Raised when the measured evidence no longer supports a notebook's claim."""


def verdict(claim: str, evidence: Mapping[str, bool]) -> None:
    """Print the claim with each check ticked, or raise if any check fails.

    Parameters
    ----------
    claim : str
        The statement under test, in one sentence.
    evidence : mapping of str to bool
        Each check, described in words (with its measured numbers), and whether it held.

    Raises
    ------
    ClaimNotSupported
        If any check is false; the message lists the failing checks.
    ValueError
        If there is no evidence or a value is not a bool.
    """
    if not evidence:
        raise ValueError("a verdict needs at least one check in evidence.")
    for text, held in evidence.items():
        if not isinstance(held, (bool, np.bool_)):
            raise ValueError(f"evidence values must be bool; {text!r} is {type(held).__name__}.")
    failed = [text for text, held in evidence.items() if not bool(held)]
    if failed:
        raise ClaimNotSupported(
            f"the evidence no longer supports: {claim}\nfailed checks:\n"
            + "\n".join(f"  - {text}" for text in failed)
        )
    print(f"{OUTCOMES[0]}: {claim}")
    for text in evidence:
        print(f"  [x] {text}")
