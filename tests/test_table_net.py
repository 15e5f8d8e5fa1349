"""The network for tables: periodic embeddings, and an ensemble whose members learn on their own losses."""

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlml import data
from dlml.estimator import NeuralNetClassifier
from dlml.models import build
from dlml.table_net import PeriodicEmbedding, TableNet
from dlml.train import TrainConfig, fit


def test_a_periodic_embedding_is_a_small_network_per_feature():
    torch.manual_seed(0)
    embed = PeriodicEmbedding(3, n_frequencies=4, sigma=0.5, dim=5)
    x = torch.randn(7, 3)
    out = embed(x).view(7, 3, 5)
    j = 2  # by hand, for one feature
    angles = 2 * math.pi * x[:, j : j + 1] * embed.frequencies[j]
    expected = torch.relu(torch.cat([angles.sin(), angles.cos()], 1) @ embed.weight[j] + embed.bias[j])
    torch.testing.assert_close(out[:, j], expected)


def test_evaluation_gives_the_log_of_the_members_mean_probability():
    torch.manual_seed(0)
    net = TableNet(5, 3, hidden=(16,), members=4, dropout=0.0)
    x = torch.randn(6, 5)
    members = net.train()(x)
    assert members.shape == (6, 4, 3)
    torch.testing.assert_close(net.eval()(x).exp(), members.softmax(-1).mean(1))


def test_the_training_loop_averages_the_members_own_losses():
    torch.manual_seed(0)
    X, y = torch.randn(32, 5), torch.randint(0, 3, (32,))
    net = TableNet(5, 3, hidden=(16,), members=4, dropout=0.0)
    before = copy.deepcopy(net).train()
    config = TrainConfig(epochs=1, batch_size=32, lr=1e-3, progress=False)  # one step, on every example
    history = fit(net, X.numpy(), y.numpy(), config)
    logits = before(X)  # (32, 4, 3)
    expected = np.mean([F.cross_entropy(logits[:, k], y).item() for k in range(4)])
    assert history.train_loss[0] == pytest.approx(expected, rel=1e-5)
    mean_probability = logits.softmax(-1).mean(1)
    assert history.train_acc[0] == pytest.approx((mean_probability.argmax(1) == y).float().mean().item())


def test_members_learn_different_functions():
    ds = data.load("moons", n_train=300, n_test=200, seed=0)
    clf = NeuralNetClassifier("table_net", {"hidden": (32,), "members": 4}, epochs=30, random_state=0, progress=False)
    clf.fit(ds.X_train, ds.y_train)
    assert clf.score(ds.X_test, ds.y_test) > 0.9  # two interleaved half-moons: not a straight cut
    members = clf.module_.train()(torch.as_tensor(ds.X_test)).argmax(-1)  # (200, 4)
    assert (members != members[:, :1]).any()


def test_the_registry_builds_it_and_bad_settings_are_clear_errors():
    assert build("table_net", 4, 2, members=2).members == 2
    with pytest.raises(ValueError, match="members must be"):
        TableNet(4, 2, members=0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        TableNet(4, 2, dropout=1.0)
    with pytest.raises(ValueError, match="sigma must be a number > 0"):
        PeriodicEmbedding(4, sigma=0.0)
    with pytest.raises(ValueError, match=r"TableNet expects input of shape \(batch, 4\)"):
        TableNet(4, 2)(torch.zeros(3, 5))
