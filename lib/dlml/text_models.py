"""The book's networks for text: sentences given as rows of token ids.

Each row holds ``length`` whole-number token ids, padded with 0 at the end (id 0 is
padding); a model checks both the width of its rows and that every id is in its
vocabulary. :class:`TextCNN` detects short runs of words wherever they occur;
:class:`GRUClassifier` reads the words in order and can relate words far apart.
``dlml.models.build("textcnn", ...)`` and ``build("gru", ...)`` make them by name.

Examples
--------
>>> import torch
>>> TextCNN(20, 12, 2)(torch.ones(5, 12)).shape  # token ids, vocabulary of 20, length 12
torch.Size([5, 2])
>>> GRUClassifier(20, 12, 3)(torch.ones(5, 12)).shape
torch.Size([5, 3])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlml.checks import check_width, positive_int


def _check_text_sizes(model: nn.Module, vocab_size: int, length: int, n_outputs: int, embedding_dim: int) -> None:
    """Validate and keep the sizes both text models share; rows are ``length`` token ids."""
    model.vocab_size = positive_int("vocab_size", vocab_size)
    model.length = model.n_inputs = positive_int("length", length)
    positive_int("n_outputs", n_outputs)
    positive_int("embedding_dim", embedding_dim)


def _token_ids(x: torch.Tensor, length: int, vocab_size: int, model: str) -> torch.Tensor:
    check_width(x, length, model)
    ids = x.long()
    if not torch.equal(ids.to(x.dtype), x) or ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{model} expects whole-number token ids from 0 to {vocab_size - 1}.")
    return ids


class TextCNN(nn.Module):
    """A convolutional sentence classifier: word embeddings, 1-D convolutions, max pooling.

    Each filter of width ``k`` reads ``k`` neighbouring words; the maximum over all
    positions says whether its pattern occurs anywhere. That is Kim's (2014) model, in
    miniature: a learned detector of n-grams with ``n`` up to the widest filter.

    Parameters
    ----------
    vocab_size : int
        Number of token ids; id 0 is padding.
    length : int
        Length of each (padded) input row of token ids.
    n_outputs : int
        Number of classes.
    embedding_dim : int
        Size of each word's learned vector.
    channels : int
        Filters of each width.
    kernel_sizes : sequence of int
        Filter widths, in words.
    """

    def __init__(
        self,
        vocab_size: int,
        length: int,
        n_outputs: int = 2,
        embedding_dim: int = 16,
        channels: int = 32,
        kernel_sizes: Sequence[int] = (3, 4, 5),
    ) -> None:
        super().__init__()
        _check_text_sizes(self, vocab_size, length, n_outputs, embedding_dim)
        positive_int("channels", channels)
        kernel_sizes = tuple(positive_int("each kernel size", k) for k in kernel_sizes)
        if not kernel_sizes or max(kernel_sizes) > length:
            raise ValueError(f"kernel_sizes must be non-empty and at most length = {length}; got {kernel_sizes}.")
        self.embed = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(embedding_dim, channels, k) for k in kernel_sizes)
        self.head = nn.Linear(channels * len(kernel_sizes), n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map token ids of shape (batch, length) to logits of shape (batch, n_outputs)."""
        e = self.embed(_token_ids(x, self.length, self.vocab_size, "TextCNN")).transpose(1, 2)  # (batch, dim, length)
        pooled = [torch.relu(conv(e)).amax(dim=2) for conv in self.convs]  # each (batch, channels)
        return self.head(torch.cat(pooled, dim=1))


class GRUClassifier(nn.Module):
    """A recurrent sentence classifier: word embeddings, a GRU, its state after the last word.

    The GRU (Cho et al., 2014) reads the words in order and carries a state from one to
    the next, so it can relate words that are far apart. Rows are padded with 0 at the
    end; the state is taken at each row's last non-padding word.

    Parameters
    ----------
    vocab_size, length, n_outputs, embedding_dim
        As in :class:`TextCNN`.
    state_size : int
        Size of the GRU's state.
    """

    def __init__(
        self, vocab_size: int, length: int, n_outputs: int = 2, embedding_dim: int = 16, state_size: int = 32
    ) -> None:
        super().__init__()
        _check_text_sizes(self, vocab_size, length, n_outputs, embedding_dim)
        positive_int("state_size", state_size)
        self.embed = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, state_size, batch_first=True)
        self.head = nn.Linear(state_size, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map token ids of shape (batch, length) to logits of shape (batch, n_outputs)."""
        ids = _token_ids(x, self.length, self.vocab_size, "GRUClassifier")
        states, _ = self.gru(self.embed(ids))  # (batch, length, state_size)
        last = (ids > 0).sum(dim=1).clamp(min=1) - 1  # index of each row's last word
        return self.head(states[torch.arange(len(ids)), last])
