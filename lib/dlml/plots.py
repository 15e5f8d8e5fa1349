"""One figure style for the whole book, and the figures used on several pages.

:func:`figure_data` says what a figure shows in rounded numbers, which is how the
tests compare figures. The palette is Okabe & Ito's, safe for the common forms of colour blindness; figures
have a transparent-free white background so they stay readable in dark mode.

Examples
--------
>>> use_book_style()
>>> PALETTE[0]
'#0072B2'
"""

from __future__ import annotations

import json
import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.colors import ListedColormap

from dlml.checks import integer
from dlml.intervals import percent_intervals

# Okabe & Ito (2008), reordered so that the first two colours contrast most.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def use_book_style() -> None:
    """Apply the book's matplotlib style (palette, sizes, white background)."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 11,
            "axes.titlesize": 12,
            "legend.frameon": False,
        }
    )


def plot_decision_boundary(predict, X: np.ndarray, y: np.ndarray, ax=None, *, resolution: int = 200, title: str = ""):
    """Shade the regions where ``predict`` gives each class; scatter the points on top.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (n, 2) to class labels, e.g. a fitted model's ``predict``.
    X : numpy.ndarray of shape (n, 2)
    y : numpy.ndarray of shape (n,)
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis.
    title : str

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> ax = plot_decision_boundary(lambda Z: (Z.sum(1) > 1).astype(int), X, y)
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) to draw a 2-D boundary; got {X.shape}.")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X and y must be non-empty and of the same length; got {len(X)} and {len(y)}.")
    if ax is None:
        ax = plt.gca()
    pad = 0.1 * (X.max(0) - X.min(0))
    lo, hi = X.min(0) - pad, X.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
    classes = np.unique(y)
    zone = np.searchsorted(classes, predict(grid)).reshape(gx.shape)
    colours = ListedColormap(PALETTE[: len(classes)])
    ax.contourf(gx, gy, zone, levels=np.arange(len(classes) + 1) - 0.5, cmap=colours, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(classes, y), cmap=colours, s=12, edgecolors="white", linewidths=0.3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    return ax


# What interval_plot can show: the column, and its axis label.
VALUE_LABELS = {"test_accuracy": "test accuracy (%)", "test_auc": "test ROC AUC (%)"}


def interval_plot(ax, runs, title: str = "", colours: dict | None = None, value: str = "test_accuracy"):
    """One row per model, best at the top: each run's test accuracy (or ``value``) as a dot,
    the mean and its 95 % interval over runs in black (:func:`dlml.intervals.percent_intervals`).

    Parameters
    ----------
    ax : matplotlib Axes
    runs : pandas.DataFrame
        Columns ``model`` and ``test_accuracy`` (a share), one row per run, e.g. the output
        of :func:`dlml.compare.compare`.
    title : str
    colours : dict, optional
        A colour for the dots of some models; the others get the palette's first colour.
    value : str
        The column to plot, a share: ``"test_accuracy"`` or ``"test_auc"`` (ROC AUC).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> runs = pd.DataFrame({"model": ["a", "a", "b", "b"], "test_accuracy": [0.8, 0.9, 0.6, 0.7]})
    >>> [t.get_text() for t in interval_plot(plt.gca(), runs).get_yticklabels()]
    ['b', 'a']
    """
    if value not in VALUE_LABELS:
        raise ValueError(f"value must be one of {sorted(VALUE_LABELS)}; got {value!r}.")
    summary = percent_intervals(runs, value=value).iloc[::-1]  # the best model on the top row
    for row, (name, s) in enumerate(summary.iterrows()):
        accuracies = 100 * runs.loc[runs["model"] == name, value]
        colour = (colours or {}).get(name, PALETTE[0])
        ax.scatter(accuracies, np.full(len(accuracies), row) + 0.15, color=colour, alpha=0.6, s=22)
        err = [[s["mean"] - s["low"]], [s["high"] - s["mean"]]] if s["n"] > 1 else None
        ax.errorbar(s["mean"], row - 0.15, xerr=err, fmt="o", color="black", markersize=4, capsize=3)
    ax.set_yticks(range(len(summary)), summary.index)
    ax.set(xlabel=VALUE_LABELS[value], title=title)
    ax.grid(axis="y", visible=False)
    return ax


# Axis labels of quantities read off a clock (times, speeds, energy from time, memory):
# they change from run to run, so figure_data reports them as "clock", not as numbers.
CLOCK_LABEL = re.compile(r"time|second|speed|latency|energy|memory|GFLOP/s|\((?:CPU )?(?:s|ms|µs)\b", re.I)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
SHOWN_IN_FULL = 12  # an artist with at most this many points lists them all
# Give an artist this gid when *which* points it shows depends on a clock reading (e.g. the
# models on a Pareto frontier of fit time): figure_data then records only that it is there.
CLOCK_GID = "clock"


def _round(value: float, digits: int):
    value = float(value)
    return float(f"{value:.{digits}g}") if np.isfinite(value) else str(value)


def _columns(data: np.ndarray, names: tuple[str, ...], clock: set[str], digits: int) -> dict:
    """Each column of an (n, k) array: its values (short) or min/mean/max, or 'clock'."""
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        return {"n": 0}
    data = data.reshape(len(data), -1)
    out = {"n": len(data)}
    for name, column in zip(names, data.T):
        if name.split("_")[0] in clock:
            out[name] = "clock"
        elif len(column) <= SHOWN_IN_FULL:
            out[name] = [_round(v, digits) for v in column]
        else:
            finite = column[np.isfinite(column)]
            out[name] = (
                [_round(f(finite), digits) for f in (np.min, np.mean, np.max)] if len(finite) else "no finite values"
            )
    return out


def _label(artist) -> str:
    """An artist's legend label; matplotlib's automatic ones ('_child3') say nothing."""
    label = str(artist.get_label())
    return "" if label.startswith("_") else label


def _artists(ax, clock: set[str], digits: int) -> list[dict]:
    """Every line, collection, bar and image of an Axes, summarised."""
    found = []
    for line in ax.lines:
        if line.get_gid() == CLOCK_GID:
            found.append({"line": _label(line), "n": "clock"})
            continue
        found.append({"line": _label(line), **_columns(line.get_xydata(), ("x", "y"), clock, digits)})
    for coll in ax.collections:
        if isinstance(coll, PathCollection):  # a scatter: one marker per offset
            entry = {"points": _label(coll), **_columns(coll.get_offsets(), ("x", "y"), clock, digits)}
        else:
            paths = [p.vertices for p in coll.get_paths() if len(p.vertices)]
            vertices = np.concatenate(paths) if paths else np.empty((0, 2))
            entry = {"shapes": _label(coll), **_columns(vertices, ("x", "y"), clock, digits)}
        colours = coll.get_array()
        if colours is not None and np.size(colours):
            entry["colour values"] = _columns(np.ravel(colours), ("v",), set(), digits)
        found.append(entry)
    bars = [(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in ax.patches if hasattr(p, "get_width")]
    if bars:
        found.append({"bars": len(bars), **_columns(np.array(bars), ("x", "y", "x_width", "y_height"), clock, digits)})
    for image in ax.images:
        values = np.ma.filled(np.asarray(image.get_array(), dtype=float), np.nan)
        found.append({"image": list(values.shape), **_columns(values.ravel(), ("v",), set(), digits)})
    return found


def figure_data(fig, digits: int = 3) -> dict:
    """What a figure shows, as rounded numbers rather than pixels.

    For each Axes: its title, axis labels and scales, its text annotations, and for each
    line, scatter, filled shape, bar set and image the number of points and, per
    coordinate, the values (up to 12 points) or their minimum, mean and maximum, to
    ``digits`` significant digits. A coordinate whose axis label names a clock reading
    (time, speed, latency, energy, memory) is reported as ``"clock"``: it differs from
    run to run on any machine; so is a line whose gid is ``CLOCK_GID``, and on such
    Axes the digits of the title, annotations and legend labels are replaced by ``#``.
    The tests compare this, not the pixels, with the stored figure: exactly on the
    machine that made it, within a tolerance elsewhere.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    digits : int
        Significant digits kept (default 3).

    Returns
    -------
    dict
        ``{"axes": [...]}``, JSON-serialisable.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1, 2], [1.0, 1.23456, 4.0], label="loss")
    >>> _ = ax.set(title="Training", xlabel="epoch", ylabel="fit time (s)")
    >>> figure_data(fig)["axes"][0]["artists"]
    [{'line': 'loss', 'n': 3, 'x': [0.0, 1.0, 2.0], 'y': 'clock'}]
    >>> plt.close(fig)
    """
    if not hasattr(fig, "axes") or not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}.")
    integer("digits", digits, maximum=15)
    axes = []
    for ax in fig.axes:
        clock = {name for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if CLOCK_LABEL.search(label)}
        # On a clock's axes the numbers in titles, annotations and legend labels are clock
        # readings too (a speedup written on its bar, a fitted exponent in the legend).
        said = (lambda text: _DIGITS.sub("#", text)) if clock else str
        artists = _artists(ax, clock, int(digits))
        for artist in artists:
            kind = next(iter(artist))
            if isinstance(artist[kind], str):
                artist[kind] = said(artist[kind])
        axes.append(
            {
                "title": said(ax.get_title()),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "scales": [ax.get_xscale(), ax.get_yscale()],
                "texts": [said(t.get_text()) for t in ax.texts],
                "artists": artists,
            }
        )
    return {"axes": axes}


def figure_text(fig) -> str:
    """The plain-text form of a figure in a stored notebook: its :func:`figure_data`.

    A notebook stores each figure as a PNG for readers and as this text for the tests,
    one line of JSON per Axes.
    """
    lines = [json.dumps(ax, ensure_ascii=False) for ax in figure_data(fig)["axes"]]
    return "\n".join([f"<Figure: {len(lines)} axes; plotted data, rounded>"] + lines)
