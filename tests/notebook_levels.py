"""The levels of the book's guarantee, for ``pytest notebooks``.

Training a network amplifies last-bit differences in arithmetic, and arithmetic differs
between CPU models and instruction sets (PyTorch, MKL, oneDNN and OpenBLAS each pick
kernels per CPU). So the book guarantees two things:

- **reference** — on the platform that made the stored outputs (the same
  :func:`dlml.report.platform_record` as in the notebook's metadata): strict nbval,
  every text output identical after ``tests/sanitize.cfg``, figures included through
  their plotted data (:func:`dlml.plots.figure_data`, the text form of each figure).
- **everywhere** — on any other machine: the notebook runs without error, every verdict
  reaches the same outcome with the same checks, every glued number stays within the
  tolerance ``tests/tolerances.toml`` declares for it (with the reason), and every
  figure shows the same things with data within its notebook's tolerance. Outputs that
  only describe the machine (versions, hardware) are not compared.

A third check asks whether the book's findings depend on its seeds:

- **seeds** — with every seed shifted (``DLML_SEED_SHIFT``, :mod:`dlml.seeds`), the
  notebook runs without error and every verdict reaches the same outcome, holding and
  failing in the same cases (``make seeds SHIFT=1000``). Numbers and check marks may move.

The level is chosen per notebook (``--guarantee auto``, the default: the seeds level when a
seed shift is set) or forced with ``--guarantee reference|everywhere|seeds``
(``make test GUARANTEE=...``). The header of the
test run says which level applies and, for the everywhere level, what differs; its
summary says how many cells of each notebook differ exactly from the stored outputs.
``DLML_KEEP_EXECUTED=folder`` keeps the notebooks executed at the everywhere level there.
"""

from __future__ import annotations

import ast
import copy
import fnmatch
import functools
import json
import os
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import IPyNbFile

from dlml.report import platform_record
from dlml.seeds import SHIFT as SEED_SHIFT
from dlml.verdict import FAILS_FOR, HOLDS_FOR, outcome_of

ROOT = Path(__file__).resolve().parents[1]
TOLERANCES = ROOT / "tests" / "tolerances.toml"
BENCHMARKS = ROOT / "benchmarks" / "results.json"
GLUE_MIME = "application/papermill.record/text/plain"
LEVELS = ("auto", "reference", "everywhere", "seeds")
CHECK_LINE = re.compile(r"^  \[(?P<mark>.)\] ")
NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?")
CELL_TIMEOUT_S = 900


# ----------------------------------------------------------------------------- levels


def recorded_platform(nb) -> dict | None:
    """The platform record ``make execute`` stored in a notebook's metadata, if any."""
    return nb.metadata.get("dlml", {}).get("execution", {}).get("platform")


@functools.cache
def recorded_platform_of(path: Path) -> dict | None:
    """:func:`recorded_platform` of the notebook file at ``path``, read once per test run."""
    return recorded_platform(nbformat.read(path, as_version=4))


def platform_differences(recorded: dict | None, current: dict) -> list[str]:
    """The fields in which this machine differs from the one that made the outputs."""
    if recorded is None:
        return ["no platform recorded"]
    return sorted(k for k in set(recorded) | set(current) if recorded.get(k) != current.get(k))


def notebook_paths() -> list[Path]:
    return sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def pytest_addoption(parser):
    parser.getgroup("dlml").addoption(
        "--guarantee",
        choices=LEVELS,
        default=os.environ.get("DLML_GUARANTEE") or "auto",
        help="which level of the book's guarantee to test notebooks at: 'reference' (strict "
        "nbval), 'everywhere' (verdicts, glued numbers, figures in tolerance), 'seeds' (verdict "
        "outcomes only, for runs with DLML_SEED_SHIFT), or "
        "nbval), 'everywhere' (verdicts, glued numbers and figures within tolerance) or "
        "'auto' (reference where this machine made the stored outputs); env DLML_GUARANTEE.",
    )


def pytest_configure(config):
    config._dlml_platform = platform_record()


def level_of(config, path: Path) -> str:
    forced = config.getoption("guarantee")
    if forced != "auto":
        return forced
    if SEED_SHIFT:
        return "seeds"
    return "reference" if not platform_differences(recorded_platform_of(path), config._dlml_platform) else "everywhere"


def pytest_report_header(config, start_path):
    paths = [p for p in notebook_paths() if any(str(p).startswith(str(Path(a).resolve())) for a in config.args)]
    if not paths:
        return None
    forced = config.getoption("guarantee")
    levels = {p: level_of(config, p) for p in paths}
    n_ref = sum(level == "reference" for level in levels.values())
    n_seeds = sum(level == "seeds" for level in levels.values())
    lines = [
        f"book guarantee ({'forced' if forced != 'auto' else 'detected'}): "
        f"{n_ref} notebook(s) at the reference level (strict nbval), "
        f"{len(paths) - n_ref - n_seeds} at the everywhere level (verdicts, glued numbers, figures), "
        f"{n_seeds} at the seeds level (verdict outcomes; seeds shifted by {SEED_SHIFT})"
    ]
    differing = set()
    for path in paths:
        differing |= set(platform_differences(recorded_platform_of(path), config._dlml_platform))
    if differing:
        lines.append(
            "this machine differs from the one that made the stored outputs in: " + ", ".join(sorted(differing))
        )
    else:
        lines.append("this machine is the reference platform of every notebook tested")
    return lines


def pytest_collect_file(parent, file_path):
    if file_path.suffix != ".ipynb" or ".ipynb_checkpoints" in file_path.parts:
        return None
    if level_of(parent.config, file_path) == "reference":
        return IPyNbFile.from_parent(parent, path=file_path)
    return ExecutedNotebook.from_parent(parent, path=file_path)


def notebook_seconds(path: Path = BENCHMARKS) -> dict[str, float]:
    """Each notebook's time alone in the last ``make bench`` (by file name); empty without one."""
    try:
        rows = json.loads(path.read_text())["notebooks"]
    except (OSError, ValueError, KeyError):
        return {}
    return {Path(row["notebook"]).name: float(row["seconds"]) for row in rows}


def pytest_collection_modifyitems(session, config, items):
    """The longest notebooks first, each notebook's cells in their order.

    ``make test`` runs two notebooks at a time (``-n 2 --dist loadfile``), handing out
    notebooks in this order: when the longest start first, the two processes finish
    nearly together instead of one running the last long notebook alone.
    """
    seconds = notebook_seconds()
    position = {item: i for i, item in enumerate(items)}
    items.sort(
        key=lambda item: (-seconds.get(item.path.name, 0.0) if item.path.suffix == ".ipynb" else 0.0, position[item])
    )


# ------------------------------------------------------------------------ tolerances


def load_tolerances(path: Path = TOLERANCES) -> dict:
    """``tests/tolerances.toml``: per notebook, how far glued numbers and figures may move."""
    return tomllib.loads(path.read_text())


def tolerance_for(tolerances: dict, notebook: str, key: str | None) -> dict:
    """The tolerance of one glued key (``key``) or of a notebook's figures (``key=None``).

    A key's own entry wins, then the first entry whose name is a pattern that matches it
    (``"bbox_pi_*"``, as :func:`fnmatch.fnmatchcase`), then its notebook's ``glue`` entry,
    then the book-wide ``[defaults]``. Each entry holds ``abs`` and/or ``rel`` (glue) or
    ``span`` (figures), and ``why``; ``text = "any"`` lets a glued text differ (a choice
    among near-ties that another CPU's arithmetic may make differently).
    """
    section = tolerances.get(notebook, {})
    if key is None:
        return section.get("figures", tolerances["defaults"]["figures"])
    keys = section.get("keys", {})
    if key in keys:
        return keys[key]
    matching = [entry for pattern, entry in keys.items() if fnmatch.fnmatchcase(key, pattern)]
    return matching[0] if matching else section.get("glue", tolerances["defaults"]["glue"])


def within(stored: float, new: float, tol: dict) -> bool:
    return abs(new - stored) <= tol.get("abs", 0.0) + tol.get("rel", 0.0) * abs(stored) + 1e-12


# ---------------------------------------------------------------- what is compared


def parse_value(text: str):
    """A glued value's stored text as a Python value (number or string)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def glued(nb) -> dict[str, str]:
    """Every glued key of a notebook and its stored plain-text value."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                data = out.get("data", {})
                found[name] = data.get(GLUE_MIME, data.get("text/plain", ""))
    return found


def verdicts(nb) -> list[tuple[int, str, str, list[str], list[str]]]:
    """Each verdict printed: (cell index, outcome words, claim, check marks, holds/fails lines)."""
    found = []
    for index, cell in enumerate(nb.cells):
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        for line in text.splitlines():
            if outcome := outcome_of(line):
                found.append((index, outcome, line[len(outcome) + 2 :], [], []))
            elif found and found[-1][0] == index:
                if c := CHECK_LINE.match(line):
                    found[-1][3].append(c["mark"])
                elif line.startswith((HOLDS_FOR, FAILS_FOR)):
                    found[-1][4].append(line.strip())
    return found


# Pages that set the book's method and decide no claim of the article (path under notebooks/,
# no suffix): they print no verdict, so at the seeds level they only have to run.
METHOD_PAGES = {
    "02-dl-vs-ml/00-a-fair-fight": "the tuning protocol, and the search that chose dlml.recipes.SELECTED",
    "02-dl-vs-ml/08-sample-size": "whether the real-table scoreboard depends on the size it subsamples the tables to",
    "02-dl-vs-ml/09-tuning-on-tables": "whether the real-table scoreboard depends on its models' default settings",
}


def compare_outcomes(stored, new, method_page: bool = False) -> list[str]:
    """What the seeds level checks: the same verdicts, outcomes and cases (empty: it holds)."""
    old_verdicts, new_verdicts = verdicts(stored), verdicts(new)
    if method_page and not old_verdicts and not new_verdicts:
        return []
    if not old_verdicts:
        return ["no verdict is stored: the seeds level has nothing to compare"]
    if len(old_verdicts) != len(new_verdicts):
        return [f"{len(old_verdicts)} verdict(s) stored, {len(new_verdicts)} printed now"]
    return [
        f"verdict in cell {cell}: {outcome} {cases} became {outcome2} {cases2}: {claim2}"
        for (cell, outcome, _, _, cases), (_, outcome2, claim2, _, cases2) in zip(old_verdicts, new_verdicts)
        if (outcome, cases) != (outcome2, cases2)
    ]


def figures(nb) -> list[tuple[int, list[dict]]]:
    """Each figure's plotted data: (cell index, one dict per Axes) from its text form."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                lines = data.get("text/plain", "").splitlines()
                axes = (
                    [json.loads(line) for line in lines[1:]] if lines[:1] and lines[0].startswith("<Figure:") else None
                )
                found.append((index, axes))
    return found


def mask_numbers(text: str) -> str:
    return NUMBER.sub("#", text)


def _stats(column) -> list[float] | None:
    if isinstance(column, list):
        values = [v for v in column if isinstance(v, (int, float))]
        return [min(values), sum(values) / len(values), max(values)] if values else None
    return None


def compare_columns(where: str, old, new, span: float) -> list[str]:
    """Problems between two summaries of one coordinate, allowing span x its scale."""
    if old == "clock" or old == new:
        return []
    if not isinstance(old, list) or not isinstance(new, list):
        return [f"{where}: {old!r} became {new!r}"]
    if len(old) == len(new):
        pairs = list(zip(old, new))
    else:
        pairs = list(zip(_stats(old) or [], _stats(new) or []))
    numbers = [v for v in old if isinstance(v, (int, float))]
    scale = max([max(numbers) - min(numbers), *map(abs, numbers)]) if numbers else 0.0
    bad = [
        (a, b)
        for a, b in pairs
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= span * scale + 1e-12)
        and a != b
    ]
    return [f"{where}: {bad[0][0]} became {bad[0][1]} (allowed: {span:g} x {scale:.3g})"] if bad else []


def compare_figure(
    where: str, old_axes: list[dict] | None, new_axes: list[dict] | None, tol: dict, by_title: dict | None = None
) -> list[str]:
    """Problems between a stored figure's plotted data and a new one's.

    ``tol["span"]`` applies to every Axes unless ``by_title`` has an entry whose pattern
    matches the Axes' title (e.g. ``"filter *"`` for the panels of learned filters).
    """
    if old_axes is None or new_axes is None:
        return [f"{where}: no plotted data recorded (re-execute with make execute)"] if old_axes != new_axes else []
    if len(old_axes) != len(new_axes):
        return [f"{where}: {len(old_axes)} axes became {len(new_axes)}"]
    problems = []
    for i, (old, new) in enumerate(zip(old_axes, new_axes)):
        at = f"{where}, axes {i + 1}"
        titled = [e for pattern, e in (by_title or {}).items() if fnmatch.fnmatchcase(old["title"], pattern)]
        span = (titled[0] if titled else tol).get("span", 0.0)
        for field in ("title", "xlabel", "ylabel", "scales", "texts"):
            if mask_numbers(json.dumps(old[field])) != mask_numbers(json.dumps(new[field])):
                problems.append(f"{at}: {field} {old[field]!r} became {new[field]!r}")
        kinds = [next(iter(a)) for a in old["artists"]], [next(iter(a)) for a in new["artists"]]
        if kinds[0] != kinds[1]:
            problems.append(f"{at}: artists {kinds[0]} became {kinds[1]}")
            continue
        for j, (a, b) in enumerate(zip(old["artists"], new["artists"])):
            kind = next(iter(a))  # its value (label, bar count, image shape) is not data
            summary = {k: v for k, v in a.items() if k != kind}
            problems += compare_summary(f"{at}, artist {j + 1} ({a[kind]})", summary, b, span)
    return problems


def compare_summary(where: str, old: dict, new: dict, span: float) -> list[str]:
    """Problems between two summaries of an artist: counts, coordinates, nested colour values."""

    def as_column(value):
        return value if isinstance(value, (list, str)) or value is None else [value]

    problems = []
    for key, value in old.items():
        now = new.get(key) if isinstance(new, dict) else None
        if isinstance(value, dict):
            problems += compare_summary(f"{where} {key}", value, now, span)
        else:
            problems += compare_columns(f"{where} {key}", as_column(value), as_column(now), span)
    return problems


def compare_notebooks(name: str, stored, new, tolerances: dict) -> list[str]:
    """Everything the everywhere level checks, as a list of problems (empty: it holds)."""
    problems = []
    old_verdicts, new_verdicts = verdicts(stored), verdicts(new)
    if len(old_verdicts) != len(new_verdicts):
        problems.append(f"{len(old_verdicts)} verdict(s) stored, {len(new_verdicts)} printed now")
    for (cell, outcome, claim, marks, _), (_, outcome2, claim2, marks2, _) in zip(old_verdicts, new_verdicts):
        if (outcome, mask_numbers(claim), marks) != (outcome2, mask_numbers(claim2), marks2):
            problems.append(f"verdict in cell {cell}: {outcome} {marks} became {outcome2} {marks2}: {claim2}")
    old_glue, new_glue = glued(stored), glued(new)
    for key in sorted(set(old_glue) ^ set(new_glue)):
        problems.append(f"glued key {key!r} is {'missing now' if key in old_glue else 'new'}")
    for key in sorted(set(old_glue) & set(new_glue)):
        old, now = parse_value(old_glue[key]), parse_value(new_glue[key])
        tol = tolerance_for(tolerances, name, key)
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, now))
        if numeric and not within(old, now, tol):
            problems.append(
                f"glued {key}: stored {old}, now {now}; allowed ±{tol.get('abs', 0):g}"
                f" + {tol.get('rel', 0):g} x |stored| ({tol.get('why', 'exact by default')})"
            )
        elif not numeric and old != now and tol.get("text") != "any":
            problems.append(f"glued {key}: stored {old!r}, now {now!r}")
    old_figs, new_figs = figures(stored), figures(new)
    if [c for c, _ in old_figs] != [c for c, _ in new_figs]:
        problems.append(f"figures in cells {[c for c, _ in old_figs]} became {[c for c, _ in new_figs]}")
    else:
        tol = tolerance_for(tolerances, name, None)
        by_title = tolerances.get(name, {}).get("figure_axes", {})
        for k, ((cell, old), (_, now)) in enumerate(zip(old_figs, new_figs)):
            problems += compare_figure(f"figure {k + 1} (cell {cell})", old, now, tol, by_title)
    return problems


def sanitizer(path: Path = ROOT / "tests" / "sanitize.cfg"):
    """The masks nbval applies at the reference level (tests/sanitize.cfg), as a function."""
    import configparser

    config = configparser.ConfigParser()
    config.read(path)
    rules = [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]

    def clean(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return clean


def exactly_changed_cells(stored, new) -> tuple[int, int]:
    """How many code cells' outputs differ from the stored ones as strict nbval sees them
    (images aside), out of how many code cells with outputs."""
    clean = sanitizer()

    def texts(cell):  # streams joined by name, as nbval does: how prints are split is chance
        streams: dict[str, str] = {}
        data = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                streams[o["name"]] = streams.get(o["name"], "") + o.get("text", "")
            else:
                data.append(
                    {
                        k: clean(v) if isinstance(v, str) else v
                        for k, v in o.get("data", {}).items()
                        if not k.startswith("image/")
                    }
                )
        return {k: clean(v) for k, v in streams.items()}, data

    pairs = [(a, b) for a, b in zip(stored.cells, new.cells) if a.cell_type == "code" and a.get("outputs")]
    return sum(texts(a) != texts(b) for a, b in pairs), len(pairs)


def pytest_terminal_summary(terminalreporter, config):
    changed = getattr(config, "_dlml_exact_changes", {})
    if changed:
        terminalreporter.section("everywhere level: outputs that differ exactly from the stored ones")
        for name, (n, total) in sorted(changed.items()):
            terminalreporter.write_line(f"{name}: {n} of {total} code cells with outputs")


# ---------------------------------------------------------------- the pytest items


def notebook_key(path: Path) -> str:
    """A notebook's name in tests/tolerances.toml: its path under notebooks/, no suffix."""
    return path.resolve().relative_to(ROOT / "notebooks").with_suffix("").as_posix()


class ExecutedNotebook(pytest.File):
    def collect(self):
        yield ExecutedItem.from_parent(self, name=f"{level_of(self.config, Path(self.path))}-level")


class NotHeld(Exception):
    pass


class ExecutedItem(pytest.Item):
    """Execute one notebook in a fresh kernel and check it at the everywhere or the seeds level."""

    def runtest(self):
        path = Path(self.path)
        stored = nbformat.read(path, as_version=4)
        new = copy.deepcopy(stored)
        for cell in new.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        client = NotebookClient(
            new, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        try:
            client.execute()
        except CellExecutionError as error:
            raise NotHeld(f"a cell raised:\n{error}") from None
        finally:
            if keep := os.environ.get("DLML_KEEP_EXECUTED"):  # a folder: what this machine computed
                target = Path(keep) / f"{notebook_key(path)}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(new, target)
        if self.level == "seeds":
            if problems := compare_outcomes(stored, new, notebook_key(path) in METHOD_PAGES):
                raise NotHeld("\n".join(f"- {p}" for p in problems))
            return
        if not hasattr(self.config, "_dlml_exact_changes"):
            self.config._dlml_exact_changes = {}
        self.config._dlml_exact_changes[notebook_key(path)] = exactly_changed_cells(stored, new)
        problems = compare_notebooks(notebook_key(path), stored, new, load_tolerances())
        if problems:
            raise NotHeld("\n".join(f"- {p}" for p in problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotHeld):
            return f"{self.path.name} does not hold at the {self.level} level:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{notebook_key(Path(self.path))} ({self.level} level)"

    @property
    def level(self) -> str:
        return level_of(self.config, Path(self.path))
