"""What a network's hidden layers compute: their activations for given inputs.

A hidden layer's output is a new description of the data, a *representation*. Pages
that look inside a network (what the hidden layers learn, linear probes) read these
representations with :func:`layer_outputs` and measure how linearly separable the
classes are in each of them with :func:`linear_probe`.

Examples
--------
>>> import numpy as np
>>> import torch
>>> from dlml.models import MLP
>>> _ = torch.manual_seed(0)
>>> [h.shape for h in layer_outputs(MLP(2, (16, 8), 3), np.zeros((5, 2)))]
[(5, 16), (5, 8)]
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits
from torch import nn

from dlml.checks import as_matrix, positive_int
from dlml.models import MLP


def _layers_of(model: nn.Module) -> nn.Sequential:
    if isinstance(model, MLP):
        return model.net
    if isinstance(model, nn.Sequential):
        return model
    raise TypeError(f"model must be a dlml.models.MLP or a torch.nn.Sequential; got {type(model).__name__}.")


def _expected_width(model: nn.Module, layers: nn.Sequential) -> int | None:
    if isinstance(model, MLP):
        return model.n_inputs
    first = layers[0] if len(layers) else None
    return first.in_features if isinstance(first, nn.Linear) else None


def _as_matrix(X, width: int | None, name: str = "X") -> np.ndarray:
    X = as_matrix(X, name)
    if width is not None and X.shape[1] != width:
        raise ValueError(f"the model expects {width} features per example; {name} has {X.shape[1]}.")
    return X


@torch.no_grad()
def layer_outputs(model: nn.Module, X) -> list[np.ndarray]:
    """The activations of every hidden layer of ``model`` for the inputs ``X``.

    The network is read as a sequence of modules; a hidden layer ends where the next
    ``nn.Linear`` begins, so each returned array is what that ``Linear`` receives: the
    output of a hidden layer after its activation function (and after dropout, which
    does nothing in evaluation mode). The final output (the logits) is not included.

    Parameters
    ----------
    model : dlml.models.MLP or torch.nn.Sequential
        A network whose layers run one after the other.
    X : array-like of shape (n_examples, n_features)
        Inputs, one per row; a NumPy array, a nested list or a torch tensor.

    Returns
    -------
    list of numpy.ndarray
        One array of shape (n_examples, width of the layer) per hidden layer, from the
        first to the last, in the model's floating type (``float32`` for the book's
        models); an empty list for a network without hidden layers.

    Raises
    ------
    TypeError
        If ``model`` is neither an ``MLP`` nor an ``nn.Sequential``.
    ValueError
        If ``X`` is not 2-D, is empty, has the wrong number of features, or contains
        NaN or infinite values.

    Notes
    -----
    The model is evaluated in evaluation mode, without gradients, on the device that
    holds its parameters; its training/evaluation mode is restored afterwards.

    Examples
    --------
    A network whose one hidden layer has two ReLU units, with weights set by hand:

    >>> import torch
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    >>> with torch.no_grad():
    ...     _ = net[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, -1.0]]))
    ...     _ = net[0].bias.zero_()
    >>> layer_outputs(net, [[3.0, 2.0]])  # relu(3) = 3, relu(-2) = 0
    [array([[3., 0.]], dtype=float32)]
    """
    layers = _layers_of(model)
    X = _as_matrix(X, _expected_width(model, layers))
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    dtype = parameter.dtype if parameter is not None else torch.float32
    was_training = model.training
    model.eval()
    try:
        h = torch.as_tensor(X, device=device, dtype=dtype)  # (n_examples, n_features)
        outputs: list[np.ndarray] = []
        seen_linear = False
        for module in layers:
            if isinstance(module, nn.Linear):
                if seen_linear:  # what this Linear receives is the previous layer's output
                    outputs.append(h.cpu().numpy().copy())
                seen_linear = True
            h = module(h)
    finally:
        model.train(was_training)
    return outputs


def _probe_part(name: str, H, y) -> tuple[np.ndarray, np.ndarray]:
    H = _as_matrix(H, None, name=f"H_{name}")
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(H):
        raise ValueError(f"y_{name} must be 1-D with one label per row of H_{name} ({len(H)}); got shape {y.shape}.")
    return H, y


def linear_probe(H_train, y_train, H_test, y_test, *, C: float = 1.0, max_iter: int = 1000) -> float:
    """Test accuracy of a linear classifier fitted on a representation: a linear probe.

    The columns are standardised (with the training part's means and scales) and a
    logistic regression is fitted on the training part and scored on the test part. A
    high accuracy means the classes are nearly separable by hyperplanes in that
    representation; a low one means they are not (or that the representation lost them).

    Parameters
    ----------
    H_train, H_test : array-like of shape (n_examples, width)
        The representation of the training and test examples, e.g. one array of
        :func:`layer_outputs`, or a flattened feature map. Same width for both.
    y_train, y_test : array-like of shape (n_examples,)
        Their labels; the training part needs at least two classes.
    C : float
        Inverse strength of the logistic regression's L2 penalty (scikit-learn's ``C``).
    max_iter : int
        Iterations of the L-BFGS solver.

    Returns
    -------
    float
        The share of test examples the probe classifies correctly.

    Raises
    ------
    ValueError
        If a representation is not 2-D, is empty, contains NaN or infinite values, or
        if the widths differ, the labels do not match the rows, the training labels
        hold a single class, or ``C`` or ``max_iter`` is not positive.

    Notes
    -----
    The fit runs on one thread (BLAS and OpenMP), so that the accuracy does not depend
    on the machine's thread settings: with several threads the solver's sums are added
    in a different order, and an example on the boundary can change sides.

    Examples
    --------
    Two classes that differ only in their second column:

    >>> H = np.array([[0.0, -1.0], [1.0, -2.0], [0.0, 1.0], [1.0, 2.0]])
    >>> linear_probe(H, [0, 0, 1, 1], H, [0, 0, 1, 1])
    1.0
    """
    H_train, y_train = _probe_part("train", H_train, y_train)
    H_test, y_test = _probe_part("test", H_test, y_test)
    if H_train.shape[1] != H_test.shape[1]:
        raise ValueError(f"H_train and H_test must have the same width; got {H_train.shape[1]} and {H_test.shape[1]}.")
    if len(np.unique(y_train)) < 2:
        raise ValueError("y_train holds a single class; a probe needs at least two.")
    if isinstance(C, bool) or not isinstance(C, (int, float)) or not C > 0:
        raise ValueError(f"C must be a positive number; got {C!r}.")
    max_iter = positive_int("max_iter", max_iter)
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))
    with threadpool_limits(limits=1):  # the same sums in the same order, whatever the thread settings
        probe.fit(H_train, y_train)
        return float(probe.score(H_test, y_test))
