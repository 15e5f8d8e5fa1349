"""Fill .wheelhouse/ with every wheel needed to run a notebook alone, so a test can do it offline.

A reader on Colab installs the book's package from its repository (the first cell of each
notebook) and runs one notebook, without the rest of the repository.
``tests/test_notebook_alone.py`` does the same without the network: a fresh virtual
environment, ``pip install --no-index --find-links .wheelhouse dlml ipykernel nbclient``,
one notebook in an empty folder. This script is the online step before it (``make test``
runs it): it builds the ``dlml`` wheel and downloads, at the versions pinned in
requirements.lock, everything that wheel, ipykernel and nbclient need. torch is PyTorch's
CPU build on Linux (PyPI's Linux wheel would pull in several GB of CUDA libraries).

It does only what is out of date: the ``dlml`` wheel is rebuilt when the package's sources
change, the other wheels are fetched again when requirements.lock or the package's
dependencies change (``.wheelhouse/stamp.json`` records both). It prints one line.

Usage: ``python scripts/wheelhouse.py`` (prepare), ``python scripts/wheelhouse.py --check``
(only say whether the wheelhouse is complete and current; offline; exit status 1 if not).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
HOUSE = ROOT / ".wheelhouse"
STAMP = HOUSE / "stamp.json"
LOCK = ROOT / "requirements.lock"
# Besides dlml, what executing a notebook takes: a kernel and something to drive it.
RUNNERS = ("ipykernel", "nbclient")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
HOW_TO_FIX = "run `python scripts/wheelhouse.py` (online; `make test` runs it)"


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def package_files() -> list[Path]:
    """The files the dlml wheel is built from."""
    sources = sorted(
        p
        for p in (ROOT / "lib").rglob("*")
        if p.is_file() and not any(part == "__pycache__" or part.endswith(".egg-info") for part in p.parts)
    )
    return [ROOT / "pyproject.toml", ROOT / "README.md", *sources]


def keys() -> dict[str, str]:
    """What each part of the wheelhouse depends on, hashed."""
    # README.md is only the package's long description: editing it does not call for a rebuild.
    files = [p for p in package_files() if p.name != "README.md"]
    package = _digest(*(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes() for p in files))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # Wheels are specific to the interpreter and the platform they were resolved for.
    target = f"{sys.implementation.cache_tag} {sys.platform} {platform.machine()}"
    dependencies = _digest(
        LOCK.read_bytes(), json.dumps(project["dependencies"]).encode(), " ".join(RUNNERS).encode(), target.encode()
    )
    return {"dlml": package, "dependencies": dependencies}


def read_stamp() -> dict:
    try:
        return json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}


def problems() -> list[str]:
    """Why the wheelhouse cannot serve an offline install of the current sources ([] if it can)."""
    if not HOUSE.is_dir():
        return [f"{HOUSE} does not exist"]
    stamp, want = read_stamp(), keys()
    if not stamp:
        return [f"{STAMP} is missing or unreadable"]
    found = []
    if stamp.get("dlml") != want["dlml"]:
        found.append("the dlml wheel was built from other sources than lib/ and pyproject.toml")
    if stamp.get("dependencies") != want["dependencies"]:
        found.append(
            "the wheels were resolved for another requirements.lock, other dependencies or another Python/platform"
        )
    missing = [
        w for w in [stamp.get("dlml_wheel", "dlml wheel"), *stamp.get("wheels", [])] if not (HOUSE / w).is_file()
    ]
    if missing:
        found.append(f"{len(missing)} wheel(s) missing, e.g. {missing[0]}")
    return found


def lock_version(name: str) -> str:
    """The version requirements.lock pins for a package."""
    for line in LOCK.read_text().splitlines():
        match = re.fullmatch(rf"{re.escape(name)}==(\S+)", line.strip(), flags=re.IGNORECASE)
        if match:
            return match.group(1)
    raise SystemExit(f"requirements.lock pins no version of {name}.")


def pip(*args: str, env: dict[str, str] | None = None) -> str:
    """Run pip with this interpreter; its stdout, or exit with its whole output on failure."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.stderr.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}")
        raise SystemExit(f"wheelhouse: pip failed (exit status {done.returncode}); see above.")
    return done.stdout


def offline_env() -> dict[str, str]:
    """The environment without pip's configuration: only what the command line says counts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def build_dlml() -> str:
    """Build the dlml wheel into the wheelhouse (replacing any older one); its file name."""
    for old in HOUSE.glob("dlml-*.whl"):
        old.unlink()
    # Build from a copy, so that setuptools' build/ and egg-info stay out of the repository.
    with tempfile.TemporaryDirectory() as tmp:
        for path in package_files():
            copy = Path(tmp) / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
        pip("wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(HOUSE), tmp)
    (wheel,) = HOUSE.glob("dlml-*.whl")
    return wheel.name


def resolve(dlml_wheel: str) -> list[str]:
    """The wheels, other than dlml's, an offline install from the wheelhouse picks."""
    report = pip(
        "install",
        "--quiet",
        "--dry-run",
        "--ignore-installed",
        "--report",
        "-",
        "--no-index",
        "--find-links",
        str(HOUSE),
        "-c",
        str(LOCK),
        str(HOUSE / dlml_wheel),
        *RUNNERS,
        env=offline_env(),
    )
    names = [
        unquote(urlparse(item["download_info"]["url"]).path).rsplit("/", 1)[-1]
        for item in json.loads(report)["install"]
    ]
    return sorted(n for n in names if n != dlml_wheel)


def fetch_dependencies(dlml_wheel: str) -> list[str]:
    """Download (or build) every wheel the dlml wheel and the runners need, at the lock's pins."""
    torch = lock_version("torch")
    if sys.platform.startswith("linux"):
        # PyTorch's CPU build; where its index cannot be reached, pip's find-links may have it.
        torch_pin, source = f"torch=={torch}+cpu", ["--index-url", TORCH_CPU_INDEX]
    else:  # macOS (and Windows): PyPI's wheel is the CPU build.
        torch_pin, source = f"torch=={torch}", []
    pip("download", "--quiet", "--no-deps", "--only-binary", ":all:", *source, "--dest", str(HOUSE), torch_pin)
    # The rest from PyPI; --find-links makes pip take the torch above instead of another build.
    pip(
        "wheel",
        "--quiet",
        "--find-links",
        str(HOUSE),
        "--wheel-dir",
        str(HOUSE),
        "-c",
        str(LOCK),
        str(HOUSE / dlml_wheel),
        *RUNNERS,
        torch_pin,
    )
    wheels = resolve(dlml_wheel)
    for stale in HOUSE.glob("*.whl"):  # left over from older pins
        if stale.name not in wheels and stale.name != dlml_wheel:
            stale.unlink()
    return wheels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the wheelhouse is complete and current (offline)"
    )
    args = parser.parse_args()
    if args.check:
        found = problems()
        print(f"{HOUSE.name}: " + ("; ".join([*found, HOW_TO_FIX]) if found else "complete and current"))
        return 1 if found else 0

    start = time.monotonic()
    HOUSE.mkdir(exist_ok=True)
    stamp, want = read_stamp(), keys()
    done = []
    if stamp.get("dlml") != want["dlml"] or not (HOUSE / stamp.get("dlml_wheel", "-")).is_file():
        stamp.pop("dlml", None)
        stamp["dlml_wheel"] = build_dlml()
        stamp["dlml"] = want["dlml"]
        STAMP.write_text(json.dumps(stamp, indent=1) + "\n")
        done.append(f"built {stamp['dlml_wheel']}")
    if problems():  # the wheels of the dependencies are out of date or incomplete
        stamp.pop("dependencies", None)
        stamp["wheels"] = fetch_dependencies(stamp["dlml_wheel"])
        stamp["dependencies"] = want["dependencies"]
        STAMP.write_text(json.dumps(stamp, indent=1) + "\n")
        done.append(f"fetched the wheels of {len(stamp['wheels'])} dependencies")
    size = sum(p.stat().st_size for p in HOUSE.glob("*.whl")) / 2**20
    summary = ", ".join(done) if done else "up to date, nothing to do"
    print(
        f"{HOUSE.name}: {summary} ({len(stamp['wheels']) + 1} wheels, {size:.0f} MiB, {time.monotonic() - start:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
