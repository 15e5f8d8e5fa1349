"""Hand-made features of 1-D signals such as MNIST-1D, for classical models.

Classical models work best on a table of informative features. For a signal, the usual
hand-made ones are summary statistics, spectral magnitudes, autocorrelations and peak
positions; the last group, ``aligned``, uses knowledge of how MNIST-1D is made (a circular
shift and a linear slope added to each digit) to undo those two transformations.
:func:`signal_features` computes them all, group by group, so that a page can compare a
classical model on these features with a network that sees only the raw signal.

:class:`dlml.kernels.RandomKernelFeatures` needs no such decisions: its features come from
random convolutional kernels.

Examples
--------
>>> import numpy as np
>>> F, names = signal_features(np.random.default_rng(0).normal(size=(3, 40)), groups=("stats", "peaks"))
>>> F.shape, names[:3]
((3, 13), ['mean', 'std', 'min'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlml.checks import as_matrix

# Each group of features, in the order signal_features returns them.
GROUPS = ("stats", "quantiles", "fft", "autocorr", "peaks", "aligned")


def _detrend(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each signal minus its least-squares straight line; also the line's slopes."""
    t = np.linspace(-0.5, 0.5, X.shape[1])  # centred time, so the line's mean is the signal's
    centred = X - X.mean(axis=1, keepdims=True)
    slope = centred @ t / (t @ t)  # (n,)
    return centred - slope[:, None] * t, slope


def _roll_to(D: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Shift each row circularly so that position ``start[i]`` comes first."""
    index = (np.arange(D.shape[1])[None, :] + start[:, None]) % D.shape[1]
    return np.take_along_axis(D, index, axis=1)


def _group(name: str, X: np.ndarray, D: np.ndarray, slope: np.ndarray) -> tuple[np.ndarray, list[str]]:
    n, length = X.shape
    if name == "stats":
        z = D / (D.std(axis=1, keepdims=True) + 1e-8)  # standardised residual, for the shape moments
        columns = {
            "mean": X.mean(axis=1),
            "std": X.std(axis=1),
            "min": X.min(axis=1),
            "max": X.max(axis=1),
            "skewness": (z**3).mean(axis=1),
            "kurtosis": (z**4).mean(axis=1),
            "mean_abs_diff": np.abs(np.diff(X, axis=1)).mean(axis=1),
            "zero_crossings": (np.diff(np.sign(D), axis=1) != 0).sum(axis=1),
            "slope": slope,
        }
        return np.column_stack(list(columns.values())), list(columns)
    if name == "quantiles":  # the sorted values: blind to where things happen
        levels = np.linspace(0, 100, 11)
        return np.percentile(D, levels, axis=1).T, [f"q{int(q)}" for q in levels]
    spectrum = np.fft.rfft(D, axis=1)  # (n, length // 2 + 1)
    if name == "fft":  # magnitudes do not change when the signal is shifted circularly
        return np.abs(spectrum[:, 1:]), [f"fft{k}" for k in range(1, spectrum.shape[1])]
    if name == "autocorr":  # circular autocorrelation at lags 1 .. length // 2, scaled by lag 0
        acf = np.fft.irfft(np.abs(spectrum) ** 2, n=length, axis=1)
        lags = range(1, length // 2 + 1)
        return acf[:, 1 : length // 2 + 1] / (acf[:, :1] + 1e-8), [f"acf{k}" for k in lags]
    if name == "peaks":
        top, bottom = D.argmax(axis=1), D.argmin(axis=1)
        local_max = (D[:, 1:-1] > D[:, :-2]) & (D[:, 1:-1] > D[:, 2:])
        columns = {
            "argmax": top,
            "argmin": bottom,
            "max_to_min": (bottom - top) % length,
            "n_local_max": local_max.sum(axis=1),
        }
        return np.column_stack(list(columns.values())), list(columns)
    # aligned: the detrended signal read from its maximum, then from its minimum
    names = [f"from_max{i}" for i in range(length)] + [f"from_min{i}" for i in range(length)]
    return np.hstack([_roll_to(D, D.argmax(axis=1)), _roll_to(D, D.argmin(axis=1))]), names


def signal_features(X, groups: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Hand-made features of 1-D signals, one row per signal.

    Parameters
    ----------
    X : array-like of shape (n_signals, length)
        Signals sampled at equal steps, one per row; ``length`` >= 4.
    groups : sequence of str, optional
        Which groups of features to compute, from ``GROUPS`` (default: all), returned in
        the order given. "Detrended" means minus the signal's least-squares straight line.

        - ``stats`` (9): mean, standard deviation, minimum, maximum, skewness and kurtosis
          (of the detrended signal), mean absolute step, zero crossings (of the detrended
          signal), slope of the straight line;
        - ``quantiles`` (11): the 0, 10, ..., 100th percentiles of the detrended signal;
        - ``fft`` (length // 2): magnitudes of the discrete Fourier transform of the
          detrended signal, frequencies 1 to length // 2;
        - ``autocorr`` (length // 2): circular autocorrelation at lags 1 to length // 2,
          divided by the value at lag 0;
        - ``peaks`` (4): positions of the maximum and minimum, the circular distance
          from one to the other, and the number of local maxima;
        - ``aligned`` (2 * length): the detrended signal shifted circularly to start at
          its maximum, then shifted to start at its minimum.

    Returns
    -------
    features : numpy.ndarray
        Shape (n_signals, n_features), dtype float64.
    names : list of str
        One name per column, e.g. ``"fft3"`` or ``"from_max0"``.

    Raises
    ------
    ValueError
        If ``X`` is not a 2-D array of numbers, is empty, is shorter than 4 samples,
        contains NaN or infinite values, or if a group is unknown or repeated.

    Examples
    --------
    A pure cosine with three periods: its spectrum peaks at frequency 3, whatever its shift.

    >>> t = np.arange(40)
    >>> F, names = signal_features([np.cos(2 * np.pi * 3 * t / 40), np.cos(2 * np.pi * 3 * (t - 7) / 40)],
    ...                            groups=["fft"])
    >>> [names[i] for i in F.argmax(axis=1)]
    ['fft3', 'fft3']
    """
    X = as_matrix(X, rows="signals", columns="length", dtype=np.float64)
    if X.shape[1] < 4:
        raise ValueError(f"each signal must have at least 4 samples; got length {X.shape[1]}.")
    groups = GROUPS if groups is None else groups
    if isinstance(groups, str):
        raise ValueError(f"groups must be a sequence of names such as [{groups!r}], not a string.")
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise ValueError(f"groups must be a non-empty sequence of names from {GROUPS}; got {list(groups)!r}.")
    if len(set(groups)) != len(groups):
        raise ValueError(f"each group may be asked for once; got {list(groups)!r}.")
    D, slope = _detrend(X)
    blocks, names = zip(*(_group(g, X, D, slope) for g in groups))
    return np.hstack([np.asarray(b, dtype=np.float64) for b in blocks]), [n for block in names for n in block]
