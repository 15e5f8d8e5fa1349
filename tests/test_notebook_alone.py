"""A notebook runs alone: outside the repository, with ``dlml`` installed from its wheel.

That is how a reader on Colab runs it: the first cell installs the book's package and
nothing else of the repository is there. The test does the same offline: a fresh virtual
environment gets the ``dlml`` wheel and its dependencies from ``.wheelhouse/`` (made by
``python scripts/wheelhouse.py``, which ``make test`` runs first), and one notebook is
executed in an empty folder, with the network blocked in its kernel. A dependency that
pyproject.toml forgets, or a file the notebook reads from the repository, fails here.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from dlml.verdict import outcome_of

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01-what-is-deep-learning" / "01-a-neuron.ipynb"
TIMEOUT = 900  # seconds, for each step; installing torch alone takes a minute or two
# Imported but not dependencies: the package itself, and what every Jupyter kernel has.
NOT_DEPENDENCIES = {"dlml", "IPython"}
# Import names whose distribution is named otherwise, for packages not installed here.
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "yaml": "PyYAML",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "dateutil": "python-dateutil",
}

# The kernel's start-up file: it may connect to itself (loopback, unix sockets) and to
# nothing else. socket.create_connection and every library's sockets go through connect.
OFFLINE_STARTUP = '''\
import socket as _socket


def _block_network():
    allowed = {"127.0.0.1", "::1", "localhost"}

    class NetworkBlocked(RuntimeError):
        """A connection off this machine was attempted."""

    def check(sock, address):
        if sock.family == getattr(_socket, "AF_UNIX", None):
            return
        host = address[0] if isinstance(address, tuple) else address
        if host not in allowed:
            raise NetworkBlocked(f"this kernel is offline; connecting to {address!r} is blocked")

    connect, connect_ex = _socket.socket.connect, _socket.socket.connect_ex

    def guarded_connect(self, address):
        check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        check(self, address)
        return connect_ex(self, address)

    _socket.socket.connect, _socket.socket.connect_ex = guarded_connect, guarded_connect_ex


_block_network()
del _block_network
'''

# Run with the fresh environment's Python: execute the notebook in place. One more cell,
# after the notebook's own and not saved, reports where the kernel's Python and dlml are
# and whether a connection off the allowed list fails (127.0.0.2: loopback, to be safe).
PROBE = """\
import json, socket, sys
import dlml
try:
    socket.create_connection(("127.0.0.2", 9), timeout=1)
    blocked = "not blocked"
except Exception as error:
    blocked = type(error).__name__
print(json.dumps({"executable": sys.executable, "dlml": dlml.__file__, "blocked": blocked}))
"""
RUNNER = f"""\
import json, sys
import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell({PROBE!r}))
client = NotebookClient(nb, timeout={TIMEOUT}, kernel_name="python3",
                        resources={{"metadata": {{"path": "."}}}})
client.execute()
probe = nb.cells.pop()
nbformat.write(nb, path)
print("".join(o.text for o in probe.outputs if o.output_type == "stream" and o.name == "stdout"))
"""


def _wheelhouse():
    """scripts/wheelhouse.py, as a module."""
    spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "scripts" / "wheelhouse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _environment(home: Path, venv_bin: Path) -> dict[str, str]:
    """A reader's environment: nothing of the repository, no pip or Jupyter settings, offline."""
    drop = ("PIP_", "PYTHON", "JUPYTER", "IPYTHON", "DLML_", "VIRTUAL_ENV", "CONDA", "MPL", "XDG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not Path(p).is_relative_to(ROOT)]
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-offline.py").write_text(OFFLINE_STARTUP)
    env.update(
        PATH=os.pathsep.join([str(venv_bin), *path]),
        HOME=str(home),
        PIP_CONFIG_FILE=os.devnull,
        DLML_DEVICE="cpu",
        DLML_PROGRESS="0",
        OMP_NUM_THREADS="1",
        IPYTHONDIR=str(home / "ipython"),
    )
    return env


def _run(command: list, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))} failed (exit status "
        f"{done.returncode}):\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}"
    )
    return done


def test_a_notebook_runs_alone_from_the_wheel(tmp_path):
    problems = _wheelhouse().problems()
    if problems:
        pytest.fail(
            "This test installs from .wheelhouse/, which is not ready: "
            + "; ".join(problems)
            + ". Create it with `python scripts/wheelhouse.py` (online; `make test` runs it).",
            pytrace=False,
        )
    venv, alone, home = tmp_path / "venv", tmp_path / "alone", tmp_path / "home"
    venv_bin = venv / ("Scripts" if os.name == "nt" else "bin")
    python = venv_bin / "python"
    alone.mkdir()
    home.mkdir()
    env = _environment(home, venv_bin)

    _run([sys.executable, "-m", "venv", venv], env, tmp_path)
    # --no-compile: byte-compiling all of torch would triple the install time.
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--no-compile",
            "--no-index",
            "--find-links",
            ROOT / ".wheelhouse",
            "-c",
            ROOT / "requirements.lock",
            "dlml",
            "ipykernel",
            "nbclient",
        ],
        env,
        tmp_path,
    )
    where = _run([python, "-c", "import dlml; print(dlml.__file__)"], env, alone).stdout.strip()
    assert Path(where).resolve().is_relative_to(venv.resolve()), f"dlml was imported from {where}"

    copy = Path(shutil.copy2(NOTEBOOK, alone))
    probe = json.loads(_run([python, "-c", RUNNER, copy.name], env, alone).stdout)

    assert Path(probe["executable"]).is_relative_to(venv), f"the kernel ran {probe['executable']}"
    assert Path(probe["dlml"]).resolve().is_relative_to(venv.resolve()), f"the kernel imported {probe['dlml']}"
    assert probe["blocked"] == "NetworkBlocked", f"a connection off the machine was not blocked: {probe}"
    outputs = [o for cell in nbformat.read(copy, as_version=4).cells for o in cell.get("outputs", [])]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors, f"the notebook shows errors: {errors}"
    lines = [line for o in outputs if o.output_type == "stream" for line in o.text.splitlines()]
    stored = [
        line
        for cell in nbformat.read(NOTEBOOK, as_version=4).cells
        for o in cell.get("outputs", [])
        if o.output_type == "stream"
        for line in o.text.splitlines()
        if outcome_of(line)
    ]
    assert stored and stored[0] in lines, (
        f"the notebook did not reach its stored verdict {stored[:1]}; its stream output:\n" + "\n".join(lines)
    )


def _imports(source: str) -> set[str]:
    """Top-level names of the modules a source imports, except optional ones
    (imported in a ``try`` that catches ImportError)."""
    tree = ast.parse(source)
    found, optional = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        ):
            optional.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_a_dependency():
    sources = {p: p.read_text() for p in sorted((ROOT / "lib" / "dlml").rglob("*.py"))}
    to_python = TransformerManager().transform_cell  # %magics -> Python
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in path.parts:
            cells = nbformat.read(path, as_version=4).cells
            sources[path] = "\n".join(to_python(c.source) for c in cells if c.cell_type == "code")
    imported: dict[str, list[str]] = {}
    for path, source in sources.items():
        for name in _imports(source):
            imported.setdefault(name, []).append(str(path.relative_to(ROOT)))

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_normalise(re.match(r"[A-Za-z0-9._-]+", d).group()) for d in project["dependencies"]}
    installed = packages_distributions()
    missing = {}
    for name, where in sorted(imported.items()):
        if name in sys.stdlib_module_names or name in NOT_DEPENDENCIES:
            continue
        distributions = installed.get(name) or [DISTRIBUTIONS.get(name, name)]
        if not declared & {_normalise(d) for d in distributions}:
            missing[" or ".join(distributions)] = where[:3]
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"
