"""The model-randomisation check of attributions: does an explanation depend on what the model learned?

Adebayo et al. (2018): re-initialise the weights of a trained network, layer by layer from
the output down (:func:`randomised_copy`), explain the randomised network the same way,
and compare the two explanations feature by feature (:func:`rank_agreement`). An
explanation that barely changes when the weights are randomised does not explain the
trained model; it shows the input, or the architecture, instead.

Examples
--------
>>> import numpy as np
>>> import torch
>>> from dlml.explain import saliency
>>> from dlml.models import MLP
>>> _ = torch.manual_seed(0)
>>> net = MLP(4, (8,), 3)
>>> X = np.random.default_rng(0).normal(size=(5, 4))
>>> rank_agreement(saliency(net, X), saliency(net, X)).round(3).tolist()
[1.0, 1.0, 1.0, 1.0, 1.0]
>>> trained, random = np.abs(saliency(net, X)), np.abs(saliency(randomised_copy(net, seed=1), X))
>>> rank_agreement(trained, random).shape  # one rank correlation per example
(5,)
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from scipy.stats import rankdata
from torch import nn

from dlml.checks import integer
from dlml.explain import _as_module


def _layers(module: nn.Module) -> list[nn.Module]:
    """Modules with their own weights that know how to re-initialise, input side first."""
    return [
        m for m in module.modules() if hasattr(m, "reset_parameters") and any(True for _ in m.parameters(recurse=False))
    ]


def randomised_copy(model, seed: int, n_layers: int | None = None) -> nn.Module:
    """A copy of the network with freshly initialised weights (the model is not changed).

    Parameters
    ----------
    model : torch.nn.Module or fitted NeuralNetClassifier
    seed : int
        Seed of the new weights (the global random state is left as it was).
    n_layers : int or None
        Re-initialise only the last ``n_layers`` weighted layers, counted from the output:
        Adebayo et al.'s *cascading* randomisation. ``None`` re-initialises every layer.

    Returns
    -------
    torch.nn.Module

    Examples
    --------
    >>> from dlml.models import MLP
    >>> net = MLP(4, (8, 8), 3)
    >>> top = randomised_copy(net, seed=0, n_layers=1)  # only the output layer is new
    >>> bool(torch.equal(top.net[0].weight, net.net[0].weight)), bool(torch.equal(top.net[4].weight, net.net[4].weight))
    (True, False)
    """
    module = _as_module(model)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int; got {type(seed).__name__}.")
    copied = copy.deepcopy(module)
    layers = _layers(copied)
    if not layers:
        raise ValueError(f"{type(module).__name__} has no layer with reset_parameters() to randomise.")
    if n_layers is None:
        n_layers = len(layers)
    n_layers = integer(f"n_layers (at most the {len(layers)} weighted layers)", n_layers, maximum=len(layers))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        for layer in reversed(layers[-n_layers:]):  # from the output down, as in the cascade
            layer.reset_parameters()
    return copied


def rank_agreement(a, b) -> np.ndarray | float:
    """Spearman rank correlation between two attributions, one value per example (row).

    1 means the same ordering of the features, 0 no relation. Rows that are constant
    (no ranking) give NaN. Take ``np.abs`` first to compare importance, not sign.

    Parameters
    ----------
    a, b : array-like of the same shape, (n_features,) or (n_examples, n_features)

    Returns
    -------
    float for 1-D inputs, numpy.ndarray of shape (n_examples,) for 2-D inputs

    Examples
    --------
    >>> rank_agreement([1.0, 2.0, 3.0], [10.0, 20.0, 25.0])
    1.0
    >>> rank_agreement([[1, 2, 3], [1, 2, 3]], [[3, 2, 1], [1, 3, 2]]).round(2).tolist()
    [-1.0, 0.5]
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim not in (1, 2) or a.shape[-1] < 2:
        raise ValueError(
            f"a and b must have the same 1-D or 2-D shape with at least 2 features; got {a.shape} and {b.shape}."
        )
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must not contain NaN or infinite values.")
    ra, rb = rankdata(a, axis=-1), rankdata(b, axis=-1)
    ra, rb = ra - ra.mean(axis=-1, keepdims=True), rb - rb.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (ra * rb).sum(-1) / np.sqrt((ra**2).sum(-1) * (rb**2).sum(-1))
    return float(rho) if a.ndim == 1 else rho
