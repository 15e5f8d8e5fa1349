"""A network for tables in the style the recent literature found competitive with boosted trees.

Two ideas, each a few lines:

- **Periodic embeddings of numbers** (Gorishniy, Rubachev and Babenko, 2022). An MLP
  struggles to learn functions that change abruptly along one feature, which trees learn
  easily. Each feature :math:`x_j` is first turned into a vector,
  :math:`\\mathrm{ReLU}(W_j [\\sin 2\\pi c_j x_j, \\cos 2\\pi c_j x_j] + b_j)`, with trainable
  frequencies :math:`c_j` drawn from :math:`N(0, \\sigma^2)` (:class:`PeriodicEmbedding`).
- **An ensemble in one network** (TabM, Gorishniy et al., 2025, in its "mini" form). ``k``
  members share one MLP; member ``i`` multiplies the embedded input by its own vector
  :math:`r_i` (initialised to random signs) and has its own output layer. Each member is
  trained on its own loss (:func:`dlml.train.fit` averages them), and the prediction is the
  members' mean probability.

In training mode :class:`TableNet` returns every member's logits, shape
``(batch, members, classes)``; in evaluation mode, the log of the members' mean
probability, shape ``(batch, classes)``, which the estimator's softmax turns back into it.

Examples
--------
>>> import torch
>>> net = TableNet(6, 3, hidden=(32,), members=4)
>>> net(torch.zeros(5, 6)).shape  # training mode: each member's logits
torch.Size([5, 4, 3])
>>> net.eval()(torch.zeros(5, 6)).exp().sum(1).round(decimals=4).tolist()  # the members' mean probability
[1.0, 1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from dlml.checks import check_width, positive_int


class PeriodicEmbedding(nn.Module):
    """Each of ``n_features`` numbers becomes a vector of ``dim`` values through sines and cosines.

    Parameters
    ----------
    n_features : int
    n_frequencies : int
        Trainable frequencies per feature.
    sigma : float
        Standard deviation of the initial frequencies: larger values let the embedding follow
        faster changes of the target along a standardised feature.
    dim : int
        Size of each feature's vector.
    """

    def __init__(self, n_features: int, n_frequencies: int = 16, sigma: float = 0.1, dim: int = 16):
        super().__init__()
        positive_int("n_features", n_features)
        positive_int("n_frequencies", n_frequencies)
        positive_int("dim", dim)
        if not sigma > 0:
            raise ValueError(f"sigma must be a number > 0; got {sigma!r}.")
        self.frequencies = nn.Parameter(sigma * torch.randn(n_features, n_frequencies))
        bound = 1 / math.sqrt(2 * n_frequencies)  # nn.Linear's default, one linear layer per feature
        self.weight = nn.Parameter(torch.empty(n_features, 2 * n_frequencies, dim).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_features, dim).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, n_features) -> (batch, n_features * dim)."""
        angles = 2 * math.pi * x[..., None] * self.frequencies
        periodic = torch.cat([angles.sin(), angles.cos()], dim=-1)
        return (torch.einsum("bfm,fmd->bfd", periodic, self.weight) + self.bias).relu().flatten(1)


class TableNet(nn.Module):
    """An MLP for tables: periodic embeddings of its inputs, and ``members`` networks in one.

    Parameters
    ----------
    n_inputs : int
        Width of each input row (numbers on one scale: see :func:`dlml.tabular.encoder`).
    n_outputs : int
        Number of classes.
    hidden : sequence of int
        Widths of the shared hidden layers.
    members : int
        Size of the ensemble, ``k``.
    dropout : float
        Dropout after each hidden layer.
    n_frequencies, sigma, embedding_dim : int, float, int
        The settings of :class:`PeriodicEmbedding`.
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        hidden: Sequence[int] = (128, 128),
        members: int = 4,
        dropout: float = 0.1,
        n_frequencies: int = 16,
        sigma: float = 0.1,
        embedding_dim: int = 8,
    ):
        super().__init__()
        self.n_inputs = positive_int("n_inputs", n_inputs)
        self.members = positive_int("members", members)
        positive_int("n_outputs", n_outputs)
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")
        self.embed = PeriodicEmbedding(n_inputs, n_frequencies, sigma, embedding_dim)
        width = n_inputs * embedding_dim
        self.adapters = nn.Parameter(torch.randint(0, 2, (members, width)).float() * 2 - 1)  # random signs
        layers: list[nn.Module] = []
        for h in hidden:
            layers += [nn.Linear(width, positive_int("hidden width", h)), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        self.backbone = nn.Sequential(*layers)
        bound = 1 / math.sqrt(width)
        self.head_weight = nn.Parameter(torch.empty(members, width, n_outputs).uniform_(-bound, bound))
        self.head_bias = nn.Parameter(torch.empty(members, n_outputs).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Rows (batch, n_inputs) to every member's logits (training) or log mean probabilities (evaluation)."""
        check_width(x, self.n_inputs, "TableNet")
        z = self.backbone(self.embed(x)[:, None, :] * self.adapters)  # (batch, members, width)
        logits = torch.einsum("bkh,khc->bkc", z, self.head_weight) + self.head_bias
        if self.training:
            return logits
        return logits.log_softmax(-1).logsumexp(1) - math.log(self.members)
