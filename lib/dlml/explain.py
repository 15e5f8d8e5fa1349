"""What a model's decision rests on: rules of a tree, attributions of a network.

A shallow tree can be read as rules (:func:`tree_rules`). A network cannot, so we ask it
*post hoc* which inputs its output is sensitive to: the gradient of the output with
respect to the input (:func:`saliency`), or integrated gradients, which add up those
gradients along a straight path from a baseline to the input (:func:`integrated_gradients`).
Both are thin wrappers around ``captum`` that take and return NumPy arrays. Whether such
an attribution explains the trained model at all is checked by :mod:`dlml.randomisation`.

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
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
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
