"""The book's networks for rows of numbers, and the registry that builds every network by name.

The multi-layer perceptron, the 1-D CNN for signals and the 2-D CNN for small images, as
plain ``torch.nn.Module`` classes. Each model checks the width of its input rows (its
``n_inputs`` attribute), so that a data set of the wrong shape fails with a message
instead of a shape error deep inside a matrix multiply. :func:`build` makes any of them,
or one of the text networks of :mod:`dlml.text_models`, by name for a data set's width
and number of classes, the one registry that :mod:`dlml.estimator` and
:mod:`dlml.distributed` both use.

Examples
--------
>>> import torch
>>> MLP(2, (16, 16), 3)(torch.zeros(5, 2)).shape
torch.Size([5, 3])
>>> CNN1d(40, 10)(torch.zeros(5, 40)).shape
torch.Size([5, 10])
>>> CNN2d(8, 10)(torch.zeros(5, 64)).shape  # 8 x 8 images, given as rows of 64 pixels
torch.Size([5, 10])
>>> build("cnn2d", 64, 10).side  # rows of 64 pixels are 8 x 8 images
8
>>> build("textcnn", 12, 2, vocab_size=20)(torch.ones(5, 12)).shape  # token ids, vocabulary of 20
torch.Size([5, 2])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

from dlml.checks import check_width, positive_int
from dlml.table_net import TableNet
from dlml.text_models import GRUClassifier, TextCNN

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}


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
        self.n_inputs = positive_int("n_inputs", n_inputs)
        positive_int("n_outputs", n_outputs)
        hidden = tuple(positive_int("each hidden width", h) for h in hidden)
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
        check_width(x, self.n_inputs, "MLP")
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
        self.length = self.n_inputs = positive_int("length", length)
        positive_int("n_outputs", n_outputs)
        positive_int("channels", channels)
        positive_int("n_layers", n_layers)
        positive_int("kernel_size", kernel_size)
        convs: list[nn.Module] = []
        in_channels, out_length = 1, self.length
        for i in range(n_layers):
            k = kernel_size if i == 0 else 3
            pad = 1
            out_length = (out_length + 2 * pad - k) // 2 + 1
            if out_length < 1:
                raise ValueError(f"a signal of length {length} is too short for {n_layers} stride-2 layers.")
            convs += [nn.Conv1d(in_channels, channels, k, stride=2, padding=pad), nn.ReLU()]
            in_channels = channels
        self.features = nn.Sequential(*convs)
        self.head = nn.Linear(channels * out_length, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map signals of shape (batch, length) to logits of shape (batch, n_outputs)."""
        check_width(x, self.length, "CNN1d")
        h = self.features(x.unsqueeze(1))  # (batch, channels, reduced length)
        return self.head(h.flatten(1))


class CNN2d(nn.Module):
    """A small 2-D convolutional network for square grey-scale images given as flat rows.

    Two blocks of (3 x 3 convolution, ReLU, 2 x 2 max pooling), then one linear layer: a
    miniature of LeNet for images as small as scikit-learn's 8 x 8 digits.

    Parameters
    ----------
    side : int
        Width and height of the images; each input row holds ``side * side`` pixels.
    n_outputs : int
        Number of classes.
    block_channels : sequence of int
        Channels of each convolutional block; each block halves the side.
    """

    def __init__(self, side: int, n_outputs: int = 10, block_channels: Sequence[int] = (16, 32)) -> None:
        super().__init__()
        self.side = positive_int("side", side)
        self.n_inputs = side * side
        positive_int("n_outputs", n_outputs)
        block_channels = tuple(positive_int("each block's channel count", c) for c in block_channels)
        if not block_channels or side < 2 ** len(block_channels):
            raise ValueError(f"images of side {side} are too small for {len(block_channels)} pooling blocks.")
        blocks: list[nn.Module] = []
        in_channels, out_side = 1, side
        for c in block_channels:
            blocks += [nn.Conv2d(in_channels, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            in_channels, out_side = c, out_side // 2
        self.features = nn.Sequential(*blocks)
        self.head = nn.Linear(in_channels * out_side * out_side, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images of shape (batch, side * side) to logits of shape (batch, n_outputs)."""
        check_width(x, self.n_inputs, "CNN2d")
        h = self.features(x.view(-1, 1, self.side, self.side))  # (batch, channels, side', side')
        return self.head(h.flatten(1))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters.

    Examples
    --------
    >>> count_parameters(MLP(2, (), 1))  # two weights and one bias
    3
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _image_side(n_features: int) -> int:
    """The side of a square image of ``n_features`` pixels (64 -> 8)."""
    side = math.isqrt(n_features)
    if side * side != n_features:
        raise ValueError(f"cnn2d needs square images: n_features must be a perfect square; got {n_features}.")
    return side


# Each network made from a data set's width and number of classes, plus its own settings.
ARCHITECTURES: dict[str, Callable[..., nn.Module]] = {
    "mlp": lambda n_features, n_classes, **kw: MLP(n_features, n_outputs=n_classes, **kw),
    "cnn1d": lambda n_features, n_classes, **kw: CNN1d(n_features, n_outputs=n_classes, **kw),
    "cnn2d": lambda n_features, n_classes, **kw: CNN2d(_image_side(n_features), n_outputs=n_classes, **kw),
    # The text models need vocab_size; their rows are padded token ids.
    "textcnn": lambda n_features, n_classes, **kw: TextCNN(length=n_features, n_outputs=n_classes, **kw),
    "gru": lambda n_features, n_classes, **kw: GRUClassifier(length=n_features, n_outputs=n_classes, **kw),
    "table_net": lambda n_features, n_classes, **kw: TableNet(n_features, n_outputs=n_classes, **kw),
}


def build(name: str, n_features: int, n_classes: int, **params) -> nn.Module:
    """The network called ``name`` for rows of ``n_features`` and ``n_classes`` classes.

    Parameters
    ----------
    name : {"mlp", "cnn1d", "cnn2d", "textcnn", "gru", "table_net"}
    n_features, n_classes : int
        Width of each input row and number of outputs.
    **params
        The model's own settings, e.g. ``hidden=(64, 64)`` for an MLP; ``vocab_size`` is
        required by the text models.

    Examples
    --------
    >>> build("mlp", 40, 10, hidden=(32,))(torch.zeros(2, 40)).shape
    torch.Size([2, 10])
    """
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {tuple(ARCHITECTURES)}.")
    if name in ("textcnn", "gru") and "vocab_size" not in params:
        raise TypeError(f"{name} needs vocab_size, the number of token ids (e.g. len(dlml.negation.VOCABULARY)).")
    return ARCHITECTURES[name](n_features, n_classes, **params)
