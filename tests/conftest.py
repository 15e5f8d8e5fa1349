"""Fixtures that several test modules share."""

import numpy as np
import pytest
import torch

from dlml.models import MLP


@pytest.fixture
def mlp():
    """A small untrained MLP: 6 inputs, hidden layers of 16 and 8, 4 classes; the same weights every time."""
    torch.manual_seed(0)
    return MLP(6, (16, 8), 4)


@pytest.fixture
def X():
    """Twenty rows of 6 standard-normal inputs, for ``mlp``."""
    return np.random.default_rng(0).normal(size=(20, 6)).astype(np.float32)
