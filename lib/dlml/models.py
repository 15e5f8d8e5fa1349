"""The book's neural networks, as plain ``torch.nn.Module`` classes.

Each model checks the width of its input, so that a data set of the wrong shape fails
with a message instead of a shape error deep inside a matrix multiply.

Examples
--------
>>> import torch
>>> MLP(2, (16, 16), 3)(torch.zeros(5, 2)).shape
torch.Size([5, 3])
>>> CNN1d(40, 10)(torch.zeros(5, 40)).shape
torch.Size([5, 10])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return value


def _check_width(x: torch.Tensor, expected: int, model: str) -> None:
    if x.ndim != 2 or x.shape[1] != expected:
        raise ValueError(
            f"{model} expects input of shape (batch, {expected}); got {tuple(x.shape)}."
        )


class MLP(nn.Module):
    """A multi-layer perceptron: ``Linear`` layers with an activation between them.

    Parameters
    ----------
    n_inputs : int
        Width of each input row.
    hidden : sequence of int
        Width of each hidden layer; ``()`` gives a single layer of neurons
        (multinomial logistic regression).
    n_outputs : int
        Number of outputs (classes).
    activation : {"relu", "tanh", "sigmoid", "gelu"}
    dropout : float
        Dropout probability after each hidden activation.
    """

    def __init__(
        self,
        n_inputs: int,
        hidden: Sequence[int] = (64,),
        n_outputs: int = 2,
        activation: str = "relu",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.n_inputs = _positive_int("n_inputs", n_inputs)
        _positive_int("n_outputs", n_outputs)
        hidden = tuple(_positive_int("each hidden width", h) for h in hidden)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}.")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")
        layers: list[nn.Module] = []
        width = self.n_inputs
        for h in hidden:
            layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, n_outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``x`` of shape (batch, n_inputs) to logits of shape (batch, n_outputs)."""
        _check_width(x, self.n_inputs, "MLP")
        return self.net(x)


class CNN1d(nn.Module):
    """A 1-D convolutional network for signals such as MNIST-1D.

    Strided convolutions, each followed by ReLU, then one linear layer: the recipe of
    the MNIST-1D paper (three layers of 25 channels).

    Parameters
    ----------
    length : int
        Length of each input signal (40 for MNIST-1D).
    n_outputs : int
        Number of classes.
    channels : int
        Channels of every convolution.
    n_layers : int
        Number of convolutional layers; each halves the length (stride 2).
    kernel_size : int
        Width of the first layer's filters; later layers use 3.
    """

    def __init__(
        self,
        length: int,
        n_outputs: int = 10,
        channels: int = 25,
        n_layers: int = 3,
        kernel_size: int = 5,
    ) -> None:
        super().__init__()
        self.length = _positive_int("length", length)
        _positive_int("n_outputs", n_outputs)
        _positive_int("channels", channels)
        _positive_int("n_layers", n_layers)
        _positive_int("kernel_size", kernel_size)
        convs: list[nn.Module] = []
        in_channels, out_length = 1, self.length
        for i in range(n_layers):
            k = kernel_size if i == 0 else 3
            pad = 1
            out_length = (out_length + 2 * pad - k) // 2 + 1
            if out_length < 1:
                raise ValueError(
                    f"a signal of length {length} is too short for {n_layers} stride-2 layers."
                )
            convs += [nn.Conv1d(in_channels, channels, k, stride=2, padding=pad), nn.ReLU()]
            in_channels = channels
        self.features = nn.Sequential(*convs)
        self.head = nn.Linear(channels * out_length, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map signals of shape (batch, length) to logits of shape (batch, n_outputs)."""
        _check_width(x, self.length, "CNN1d")
        h = self.features(x.unsqueeze(1))  # (batch, channels, reduced length)
        return self.head(h.flatten(1))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters.

    Examples
    --------
    >>> count_parameters(MLP(2, (), 1))  # two weights and one bias
    3
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
