"""What a model's decision rests on: rules of a tree, attributions of a network.

A shallow tree can be read as rules (:func:`tree_rules`). A network cannot, so we ask it
*post hoc* which inputs its output is sensitive to: the gradient of the output with
respect to the input (:func:`saliency`), or integrated gradients, which add up those
gradients along a straight path from a baseline to the input (:func:`integrated_gradients`).
Both are thin wrappers around ``captum`` that take and return NumPy arrays.
:func:`randomised_copy` and :func:`rank_agreement` run the sanity check of Adebayo et
al. (2018): an explanation that barely changes when the weights are randomised does not
explain the trained model.

Examples
--------
>>> import numpy as np
>>> import torch
>>> from dlml.models import MLP
>>> _ = torch.manual_seed(0)
>>> net = MLP(4, (8,), 3)
>>> X = np.random.default_rng(0).normal(size=(5, 4))
>>> saliency(net, X).shape, integrated_gradients(net, X).shape
((5, 4), (5, 4))
>>> rank_agreement(saliency(net, X), saliency(net, X)).round(3).tolist()
[1.0, 1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import torch
from scipy.stats import rankdata
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text
from torch import nn
from tqdm import TqdmWarning

with warnings.catch_warnings():
    # captum imports tqdm.auto, which warns in a notebook without ipywidgets (and the
    # warning, with its file path, would land in the stored outputs); no bar is used here.
    warnings.simplefilter("ignore", TqdmWarning)
    from captum.attr import IntegratedGradients, Saliency

from dlml.checks import as_matrix, integer


def _as_module(model) -> nn.Module:
    if isinstance(model, nn.Module):
        return model
    if isinstance(getattr(model, "module_", None), nn.Module):  # a fitted NeuralNetClassifier
        return model.module_
    raise TypeError(
        "model must be a torch.nn.Module or a fitted dlml NeuralNetClassifier (with module_); "
        f"got {type(model).__name__}."
    )


def _as_inputs(X, name: str = "X") -> np.ndarray:
    return as_matrix(X, name, conversion_error=TypeError)


def _check_width(module: nn.Module, X: np.ndarray) -> None:
    """Fail early, with a message, when X has not as many features as the model takes."""
    width = getattr(module, "n_inputs", None)  # every dlml model says how wide its rows are
    if width is None:
        # Another module: its first layer with weights tells the width when it is a Linear one.
        first = next((m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d))), None)
        width = first.in_features if isinstance(first, nn.Linear) else None
    if width is not None and X.shape[1] != width:
        raise ValueError(f"the model expects {width} features per example; X has {X.shape[1]}.")


def _device_of(module: nn.Module) -> torch.device:
    return next((p.device for p in module.parameters()), torch.device("cpu"))


def _targets(module: nn.Module, Xt: torch.Tensor, target) -> torch.Tensor:
    """One output index per example: the predicted class when ``target`` is None."""
    with torch.no_grad():
        logits = module(Xt)  # (n, n_outputs)
    if logits.ndim != 2:
        raise ValueError(f"the model must return a 2-D output (n_examples, n_outputs); got {tuple(logits.shape)}.")
    if target is None:
        return logits.argmax(dim=1)
    t = np.asarray(target)
    if t.ndim == 0:
        t = np.full(len(Xt), t)
    if t.shape != (len(Xt),) or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"target must be None, an int or {len(Xt)} ints (one per example); got {target!r:.80}.")
    if t.min() < 0 or t.max() >= logits.shape[1]:
        raise ValueError(
            f"target must index the model's {logits.shape[1]} outputs (0 to {logits.shape[1] - 1}); "
            f"got values from {t.min()} to {t.max()}."
        )
    return torch.as_tensor(t, dtype=torch.int64, device=Xt.device)


def _attribute(model, X, target, compute) -> np.ndarray | tuple[np.ndarray, ...]:
    """Evaluate the model in eval mode on its own device; return NumPy on the CPU."""
    module = _as_module(model)
    X = _as_inputs(X)
    _check_width(module, X)
    was_training = module.training
    module.eval()
    try:
        Xt = torch.as_tensor(X, device=_device_of(module))
        out = compute(module, Xt, _targets(module, Xt, target))
    finally:
        module.train(was_training)
    if isinstance(out, tuple):
        return tuple(o.detach().cpu().numpy().astype(np.float64) for o in out)
    return out.detach().cpu().numpy().astype(np.float64)


def saliency(model, X, target=None) -> np.ndarray:
    """The gradient of the target output with respect to each input (Simonyan et al., 2014).

    Parameters
    ----------
    model : torch.nn.Module or fitted NeuralNetClassifier
        Maps inputs of shape (n, n_features) to outputs (logits) of shape (n, n_outputs).
        It is evaluated in eval mode, on the device its parameters are on.
    X : array-like of shape (n_examples, n_features)
    target : None, int or array of n ints
        The output to explain for each example; ``None`` takes the predicted class.

    Returns
    -------
    numpy.ndarray of shape (n_examples, n_features)
        Signed gradients (take ``abs`` for the usual saliency map).

    Examples
    --------
    >>> net = torch.nn.Linear(3, 2)
    >>> with torch.no_grad():
    ...     _ = net.weight.copy_(torch.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0]]))
    >>> saliency(net, np.ones((1, 3)), target=0).tolist()  # a linear model's gradient is its weights
    [[1.0, -2.0, 0.5]]
    """
    return _attribute(
        model, X, target, lambda m, Xt, t: Saliency(m).attribute(Xt.requires_grad_(), target=t, abs=False)
    )


def integrated_gradients(
    model,
    X,
    target=None,
    baseline=None,
    n_steps: int = 50,
    return_delta: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Integrated gradients (Sundararajan et al., 2017): how much each input moved the output.

    The gradient is averaged along the straight line from ``baseline`` to ``x`` and
    multiplied by ``x - baseline``. The attributions of an example add up to
    ``f(x) - f(baseline)`` (completeness), up to the error of the ``n_steps``-point integral.

    Parameters
    ----------
    model, X, target
        As in :func:`saliency`.
    baseline : None, float or array-like of shape (n_features,) or like X
        The "absence of signal" to start from; ``None`` means all zeros.
    n_steps : int
        Points of the Gauss-Legendre rule along the path.
    return_delta : bool
        Also return, per example, ``sum(attributions) - (f(x) - f(baseline))``.

    Returns
    -------
    attributions : numpy.ndarray of shape (n_examples, n_features)
    delta : numpy.ndarray of shape (n_examples,), only if ``return_delta``

    Examples
    --------
    >>> net = torch.nn.Linear(3, 2)
    >>> attr, delta = integrated_gradients(net, np.ones((4, 3)), target=1, return_delta=True)
    >>> bool(np.abs(delta).max() < 1e-5)
    True
    """
    integer("n_steps", n_steps, minimum=2)
    X = _as_inputs(X)
    if baseline is None:
        base = np.zeros_like(X)
    else:
        try:
            base = np.asarray(baseline, dtype=np.float32)
        except (TypeError, ValueError) as error:
            raise TypeError(f"baseline must be numbers; could not convert it: {error}") from None
        if base.shape not in ((), (X.shape[1],), X.shape):
            raise ValueError(f"baseline must be a number, shape ({X.shape[1]},) or {X.shape}; got shape {base.shape}.")
        if not np.all(np.isfinite(base)):
            raise ValueError("baseline contains NaN or infinite values.")
        base = np.broadcast_to(base, X.shape).copy()

    def compute(module, Xt, t):
        return IntegratedGradients(module).attribute(
            Xt,
            baselines=torch.as_tensor(base, device=Xt.device),
            target=t,
            n_steps=n_steps,
            internal_batch_size=max(n_steps, 4096),
            return_convergence_delta=return_delta,
        )

    return _attribute(model, X, target, compute)


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


def tree_rules(tree, feature_names=None, decimals: int = 2) -> str:
    """A fitted decision tree as nested if/else rules (scikit-learn's ``export_text``).

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeClassifier or sklearn.tree.DecisionTreeRegressor
        Fitted.
    feature_names : sequence of str, optional
        One name per feature; default ``feature_0``, ``feature_1``, ...
    decimals : int
        Digits of the thresholds.

    Examples
    --------
    >>> clf = DecisionTreeClassifier(max_depth=1).fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> print(tree_rules(clf, ["x"]))
    |--- x <= 1.50
    |   |--- class: 0
    |--- x >  1.50
    |   |--- class: 1
    <BLANKLINE>
    """
    if not isinstance(tree, (DecisionTreeClassifier, DecisionTreeRegressor)):
        raise TypeError(f"tree must be a DecisionTreeClassifier or DecisionTreeRegressor; got {type(tree).__name__}.")
    if not hasattr(tree, "tree_"):
        raise ValueError("tree is not fitted yet; call fit first.")
    if feature_names is not None:
        feature_names = [str(f) for f in feature_names]
        if len(feature_names) != tree.n_features_in_:
            raise ValueError(
                f"feature_names has {len(feature_names)} names; the tree has {tree.n_features_in_} features."
            )
    return export_text(tree, feature_names=feature_names, decimals=decimals)
