"""Random convolutional kernel features of 1-D signals, in the manner of ROCKET and MiniRocket.

:class:`RandomKernelFeatures` convolves the signals with many random kernels that are never
trained and describes each output by the proportion of its values above a threshold
(Dempster et al., 2020 and 2021). It needs none of the decisions of hand-made features
(:mod:`dlml.features`): a linear model on these features is a classical rival that, like a
network, is given only the raw signal.

Examples
--------
>>> import numpy as np
>>> RandomKernelFeatures(n_kernels=50, random_state=0).fit_transform(np.zeros((3, 40))).shape
(3, 50)
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from dlml.checks import as_matrix, integer, positive_int
from dlml.seeds import book_seed

KERNEL_LENGTH = 9  # samples each random kernel spans at dilation 1
_KERNEL_PEAKS = 3  # of its weights are +2, the others -1: every kernel sums to zero
_BLOCK = 2_000_000  # convolution outputs held in memory at once (16 MB of float64)


def _windows(X: np.ndarray, dilation: int, padded: bool) -> np.ndarray:
    """Every stretch of X a kernel with this dilation sees: (n, positions, KERNEL_LENGTH)."""
    reach = (KERNEL_LENGTH - 1) * dilation  # samples between a kernel's first and last weight
    if padded:  # zeros on both sides, so that the kernel is centred on every sample
        X = np.pad(X, ((0, 0), (reach // 2, reach - reach // 2)))
    taps = np.arange(X.shape[1] - reach)[:, None] + dilation * np.arange(KERNEL_LENGTH)[None, :]
    return X[:, taps]


class RandomKernelFeatures(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Random convolutional kernel features of 1-D signals: one number per untrained kernel.

    Each of ``n_kernels`` kernels has nine weights, three of them +2 and six -1 at random
    places (so that the weights sum to zero), a random dilation, and a threshold. The
    kernel slides along the signal; its feature is the proportion of positions where the
    output exceeds the threshold. Nothing is learned from labels: :meth:`fit` only draws
    the kernels and sets each threshold from the training signals. Fit a linear model on
    the standardised features (e.g. ``RidgeClassifierCV``) to make a classifier.

    The design follows ROCKET and MiniRocket (Dempster, Petitjean and Webb, 2020; Dempster,
    Schmidt and Webb, 2021), written afresh and simplified:

    - weights: MiniRocket's nine weights of -1 and +2, at random places for each kernel;
    - dilation: ``floor(2 ** u)`` with ``u`` uniform from 0 to ``log2((length - 1) / 8)``,
      so that a kernel spans at most the whole signal (ROCKET's rule);
    - padding: half of the kernels, at random, are applied at every sample, with zeros
      beyond both ends; the others only where all nine weights fall inside the signal;
    - threshold: the value at a random quantile (uniform from 0 to 1) of the kernel's output
      on one training signal drawn at random;
    - feature: the proportion of positive values (PPV) of output minus threshold.

    Parameters
    ----------
    n_kernels : int, default 10_000
        Number of kernels, and of features. MiniRocket's default is about 10,000.
    random_state : int or None, default ``book_seed(0)``
        Seed of every random draw (kernels, dilations, padding, thresholds); None draws
        fresh ones. The same seed and training signals give the same features.

    Attributes
    ----------
    n_features_in_ : int
        Length of the training signals; :meth:`transform` needs signals of that length.
    weights_ : numpy.ndarray of shape (n_kernels, 9)
        Each kernel's weights, -1 and 2.
    dilations_ : numpy.ndarray of shape (n_kernels,)
        Step between a kernel's consecutive weights, in samples.
    padded_ : numpy.ndarray of shape (n_kernels,), bool
        Whether the kernel is applied with zero padding (at every sample).
    biases_ : numpy.ndarray of shape (n_kernels,)
        Each kernel's threshold.

    Notes
    -----
    Invariance: because each kernel's weights sum to zero, adding a constant to a signal
    does not change the output of a kernel applied without padding (up to rounding in
    the last bits), so it changes none of these kernels' features. The padded kernels
    see the constant against the zeros beyond the ends, and their features may change.
    Every feature is a multiple of ``1 / positions``, from 0 to 1.

    :meth:`fit` is quick; :meth:`transform` does the convolutions as matrix products, in
    blocks of signals, and takes a few seconds for 4,000 signals of 40 samples and 10,000
    kernels on one CPU core.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 40))
    >>> kernels = RandomKernelFeatures(n_kernels=100, random_state=0).fit(X)
    >>> F = kernels.transform(X)
    >>> F.shape, bool(F.min() >= 0 and F.max() <= 1)
    ((20, 100), True)

    A constant added to every signal changes no feature of the kernels without padding:

    >>> unpadded = ~kernels.padded_
    >>> bool(np.array_equal(kernels.transform(X + 5.0)[:, unpadded], F[:, unpadded]))
    True

    As a classifier, with a linear model on top:

    >>> from sklearn.linear_model import RidgeClassifierCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> model = make_pipeline(RandomKernelFeatures(n_kernels=200, random_state=0), StandardScaler(),
    ...                       RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
    >>> model.fit(X, np.arange(20) % 2).predict(X[:3]).shape
    (3,)
    """

    def __init__(self, n_kernels: int = 10_000, random_state: int | None = book_seed(0)):
        self.n_kernels = n_kernels
        self.random_state = random_state

    def _signals(self, X, name: str = "X") -> np.ndarray:
        X = as_matrix(X, name, rows="signals", columns="length", dtype=np.float64)
        if X.shape[1] < KERNEL_LENGTH:
            raise ValueError(
                f"each signal must have at least {KERNEL_LENGTH} samples (the kernels' length); "
                f"got length {X.shape[1]}."
            )
        return X

    def _groups(self):
        """The kernels that share a dilation and a padding, which are computed together."""
        for dilation in np.unique(self.dilations_):
            for padded in (False, True):
                index = np.flatnonzero((self.dilations_ == dilation) & (self.padded_ == padded))
                if index.size:
                    yield int(dilation), padded, index

    def fit(self, X, y=None) -> RandomKernelFeatures:
        """Draw the kernels and set their thresholds from the training signals ``X``.

        Parameters
        ----------
        X : array-like of shape (n_signals, length)
            Training signals, one per row, ``length`` >= 9; finite numbers.
        y : None
            Ignored: accepted for scikit-learn pipelines; the features do not use labels.

        Returns
        -------
        self : RandomKernelFeatures
            The fitted transformer, with the attributes listed above.

        Raises
        ------
        ValueError
            If ``n_kernels`` is not a positive integer, ``random_state`` is neither None nor
            a non-negative integer, or ``X`` is not a non-empty 2-D array of finite numbers
            with at least 9 samples per signal.
        """
        n_kernels = positive_int("n_kernels", self.n_kernels)
        seed = self.random_state
        integer("random_state", seed, minimum=0, none_ok=True)
        X = self._signals(X)
        n, length = X.shape
        rng = np.random.default_rng(seed)
        peaks = np.argsort(rng.random((n_kernels, KERNEL_LENGTH)), axis=1)[:, :_KERNEL_PEAKS]
        self.weights_ = np.full((n_kernels, KERNEL_LENGTH), -1.0)
        np.put_along_axis(self.weights_, peaks, 2.0, axis=1)
        top = np.log2((length - 1) / (KERNEL_LENGTH - 1))
        self.dilations_ = np.floor(2.0 ** rng.uniform(0, top, n_kernels)).astype(np.int64)
        self.padded_ = rng.random(n_kernels) < 0.5
        source, quantile = rng.integers(0, n, n_kernels), rng.random(n_kernels)
        self.biases_ = np.empty(n_kernels)
        for dilation, padded, index in self._groups():
            # each kernel's output on its own source signal: (kernels, positions), sorted
            out = np.sort(
                np.einsum("kpt,kt->kp", _windows(X[source[index]], dilation, padded), self.weights_[index]), axis=1
            )
            at = quantile[index] * (out.shape[1] - 1)  # linear interpolation between order statistics
            low = np.floor(at).astype(np.int64)
            high = np.minimum(low + 1, out.shape[1] - 1)
            rows = np.arange(index.size)
            self.biases_[index] = out[rows, low] + (at - low) * (out[rows, high] - out[rows, low])
        self.n_features_in_ = length
        self._n_features_out = n_kernels
        return self

    def transform(self, X) -> np.ndarray:
        """The features of the signals ``X``: one row per signal, one column per kernel.

        Parameters
        ----------
        X : array-like of shape (n_signals, length)
            Signals of the length seen in :meth:`fit`.

        Returns
        -------
        numpy.ndarray of shape (n_signals, n_kernels), dtype float64
            Each kernel's proportion of outputs above its threshold, from 0 to 1.

        Raises
        ------
        ValueError
            If ``X`` is not a non-empty 2-D array of finite numbers, or its signals do not
            have the length seen in :meth:`fit`. Before :meth:`fit`, scikit-learn's
            ``NotFittedError`` (a ``ValueError``) is raised.
        """
        check_is_fitted(self, "biases_")
        X = self._signals(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has signals of length {X.shape[1]}, but this transformer was fitted on signals "
                f"of length {self.n_features_in_}."
            )
        features = np.empty((len(X), len(self.biases_)))
        for dilation, padded, index in self._groups():
            windows = _windows(X, dilation, padded)  # (n, positions, KERNEL_LENGTH)
            weights, biases = self.weights_[index].T, self.biases_[index]
            step = max(1, _BLOCK // (windows.shape[1] * index.size))  # signals per block
            for start in range(0, len(X), step):
                out = windows[start : start + step] @ weights  # (signals, positions, kernels)
                features[start : start + step, index] = np.count_nonzero(out > biases, axis=1) / out.shape[1]
        return features
