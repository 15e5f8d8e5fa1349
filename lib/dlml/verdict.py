"""The verdict cell of a notebook: the article's claim, decided by checks declared in advance.

A notebook states the article's claim and the cases it will measure *before* it measures
anything (a :class:`Claim`), and ends by deciding it with one of three outcomes:

- ``HOLDS`` — every check of every case held;
- ``HOLDS UNDER CONDITIONS`` — the checks of some cases held (their names are the
  conditions), those of others did not;
- ``DOES NOT HOLD`` — no case held.

The outcome is printed with each check ticked or not, so the book's tests notice when a
re-run (another CPU, other seeds, a new library version) reaches another outcome. A
*sanity check* (a property that holds by construction, such as two implementations of
the same formula agreeing) is printed apart and does not count as evidence; if one
fails, the experiment itself is broken and the cell raises.

Examples
--------
>>> claim = Claim("two is more than one", cases=("integers", "strings"))
>>> v = claim.decide({"integers": {"2 > 1": 2 > 1}, "strings": {"'2' > '10'": "2" > "10"}})
HOLDS: two is more than one
  holds for: integers; strings
  integers:
  [x] 2 > 1
  strings:
  [x] '2' > '10'
>>> verdict("a network beats a forest", {"accuracy 0.91 > 0.93": 0.91 > 0.93}).outcome
DOES NOT HOLD: a network beats a forest
  [ ] accuracy 0.91 > 0.93
'DOES NOT HOLD'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# The words a verdict's first line starts with; the tests compare them across machines and seeds.
HOLDS, UNDER_CONDITIONS, DOES_NOT_HOLD = "HOLDS", "HOLDS UNDER CONDITIONS", "DOES NOT HOLD"
OUTCOMES = (HOLDS, UNDER_CONDITIONS, DOES_NOT_HOLD)
HOLDS_FOR, FAILS_FOR = "  holds for: ", "  does not hold for: "
TICKED, UNTICKED = "  [x] ", "  [ ] "
SANITY_HEADER = "  sanity checks (true by construction, not evidence):"


def outcome_of(line: str) -> str | None:
    """The outcome a printed verdict line starts with, or None for any other line.

    >>> outcome_of("HOLDS UNDER CONDITIONS: deep learning needs data")
    'HOLDS UNDER CONDITIONS'
    >>> outcome_of("  [x] a check") is None
    True
    """
    return next((word for word in OUTCOMES if line.startswith(word + ": ")), None)


class SanityCheckFailed(AssertionError):
    """Raised when a check that should hold by construction fails: the experiment is broken."""


@dataclass(frozen=True)
class Verdict:
    """The decided claim: its outcome and the cases (conditions) where it held or not."""

    claim: str
    outcome: str
    holds_for: tuple[str, ...] = ()
    fails_for: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The outcome in words for prose and tables, naming the conditions where it holds.

        >>> Verdict("c", UNDER_CONDITIONS, ("for an MLP",), ("for a CNN",)).summary
        'holds under conditions: for an MLP'
        """
        text = self.outcome.lower()
        return f"{text}: {'; '.join(self.holds_for)}" if self.outcome == UNDER_CONDITIONS else text


class Claim:
    """A claim and the cases that will decide it, declared before any number is measured.

    Parameters
    ----------
    article : str
        The claim in the article's own words.
    cases : sequence of str, optional
        The conditions measured separately (e.g. ``("a CNN on signals", "an MLP on signals")``).
        Leave out for a claim decided as a whole.
    """

    def __init__(self, article: str, cases: Sequence[str] | None = None):
        if not isinstance(article, str) or not article.strip():
            raise ValueError(f"a claim needs the article's words as a non-empty string; got {article!r}.")
        if cases is not None:
            if isinstance(cases, str) or not all(isinstance(c, str) and c.strip() for c in cases) or not cases:
                raise ValueError(f"cases must be a non-empty sequence of names (strings); got {cases!r}.")
            if len(set(cases)) != len(cases):
                raise ValueError(f"case names must be distinct; got {list(cases)}.")
        self.article, self.cases = article, None if cases is None else tuple(cases)

    def __repr__(self) -> str:
        return f"Claim({self.article!r}, cases={self.cases!r})"

    def decide(self, evidence: Mapping, *, sanity: Mapping[str, bool] | None = None) -> Verdict:
        """Print and return the verdict; *evidence* maps each declared case to its checks.

        A claim declared without cases takes its checks directly: ``{text: bool}``.
        """
        if self.cases is None:
            _check_flat(evidence, "evidence")
            return _decide(self.article, {None: evidence}, sanity)
        if not isinstance(evidence, Mapping) or list(evidence) != list(self.cases):
            got = list(evidence) if isinstance(evidence, Mapping) else type(evidence).__name__
            raise ValueError(f"evidence must give the declared cases, in order: {list(self.cases)}; got {got}.")
        for case, checks in evidence.items():
            _check_flat(checks, f"evidence for {case!r}")
        return _decide(self.article, dict(evidence), sanity)


def verdict(claim: str, evidence: Mapping, *, sanity: Mapping[str, bool] | None = None) -> Verdict:
    """Decide a claim in one call: ``evidence`` is ``{check: bool}``, or ``{case: {check: bool}}``.

    Equivalent to declaring ``Claim(claim, cases)`` and calling its ``decide``; prefer the
    two steps in a notebook, so that the cases are fixed before the numbers are seen.
    """
    nested = isinstance(evidence, Mapping) and evidence and all(isinstance(v, Mapping) for v in evidence.values())
    return Claim(claim, list(evidence) if nested else None).decide(evidence, sanity=sanity)


def _check_flat(checks, what: str) -> None:
    if not isinstance(checks, Mapping) or not checks:
        raise ValueError(f"{what} must be a non-empty mapping of check (str) to bool; got {checks!r}.")
    for text, held in checks.items():
        if not isinstance(text, str) or not isinstance(held, (bool, np.bool_)):
            raise ValueError(
                f"{what}: each check maps a description (str) to a bool; {text!r} maps to {type(held).__name__}."
            )


def _decide(claim: str, cases: dict, sanity: Mapping[str, bool] | None) -> Verdict:
    if sanity is not None:
        _check_flat(sanity, "sanity")
        if broken := [text for text, held in sanity.items() if not held]:
            raise SanityCheckFailed(
                f"the experiment behind '{claim}' is broken; these checks hold by construction "
                "and failed:\n" + "\n".join(f"  - {text}" for text in broken)
            )
    held = {case: all(bool(v) for v in checks.values()) for case, checks in cases.items()}
    holds_for = tuple(case for case, ok in held.items() if ok and case is not None)
    fails_for = tuple(case for case, ok in held.items() if not ok and case is not None)
    outcome = HOLDS if all(held.values()) else UNDER_CONDITIONS if any(held.values()) else DOES_NOT_HOLD
    print(f"{outcome}: {claim}")
    if holds_for:
        print(HOLDS_FOR + "; ".join(holds_for))
    if fails_for:
        print(FAILS_FOR + "; ".join(fails_for))
    for case, checks in cases.items():
        if case is not None:
            print(f"  {case}:")
        for text, ok in checks.items():
            print(f"{TICKED if ok else UNTICKED}{text}")
    if sanity:
        print(SANITY_HEADER)
        for text in sanity:
            print(f"{TICKED}{text}")
    return Verdict(claim, outcome, holds_for, fails_for)


@dataclass(frozen=True)
class PrintedVerdict:
    """A verdict read back from the text a verdict cell printed."""

    outcome: str
    claim: str
    checks: tuple[tuple[str | None, str, bool], ...]  # (case or None, check, held), in printed order
    sanity: tuple[str, ...] = ()

    @property
    def cases(self) -> dict[str | None, bool]:
        """Each case (``None`` for a claim without cases) and whether all its checks held."""
        held: dict[str | None, bool] = {}
        for case, _, ok in self.checks:
            held[case] = held.get(case, True) and ok
        return held


def read_printed(text: str) -> PrintedVerdict | None:
    """The verdict that :meth:`Claim.decide` printed, or ``None`` if ``text`` is anything else.

    The website renders a verdict cell's output from this, as a callout.

    >>> printed = "HOLDS: two is more than one\\n  holds for: integers\\n  integers:\\n  [x] 2 > 1\\n"
    >>> read_printed(printed).cases
    {'integers': True}
    >>> read_printed("accuracy: 0.93") is None
    True
    """
    lines = text.rstrip("\n").split("\n")
    outcome = outcome_of(lines[0])
    if outcome is None:
        return None
    checks, sanity, case, in_sanity = [], [], None, False
    for line in lines[1:]:
        if line.startswith((HOLDS_FOR, FAILS_FOR)):
            continue  # said again by the cases' checks
        if line == SANITY_HEADER:
            in_sanity = True
        elif line.startswith((TICKED, UNTICKED)):
            check, ok = line[len(TICKED) :], line.startswith(TICKED)
            if in_sanity:
                sanity.append(check)
            else:
                checks.append((case, check, ok))
        elif line.startswith("  ") and line.endswith(":") and not in_sanity:
            case = line[2:-1]
        else:
            return None  # another line: not a verdict's printout alone
    return PrintedVerdict(outcome, lines[0][len(outcome) + 2 :], tuple(checks), tuple(sanity))
