"""One figure style for the whole book, and the figures used on several pages.

The palette is Okabe & Ito's, safe for the common forms of colour blindness; figures
have a transparent-free white background so they stay readable in dark mode.

Examples
--------
>>> use_book_style()
>>> PALETTE[0]
'#0072B2'
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

# Okabe & Ito (2008), reordered so that the first two colours contrast most.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def use_book_style() -> None:
    """Apply the book's matplotlib style (palette, sizes, white background)."""
    mpl.rcParams.update({
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
    })


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
