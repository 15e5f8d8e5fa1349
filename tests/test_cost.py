import time

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

from dlml.cost import fastest, flops, latency, time_fit
from dlml.models import MLP, CNN1d


@pytest.mark.parametrize("n_in, n_out, batch", [(40, 10, 1), (7, 3, 16)])
def test_linear_layer_costs_two_flops_per_weight_per_example(n_in, n_out, batch):
    assert flops(nn.Linear(n_in, n_out), np.zeros((batch, n_in))) == 2 * n_in * n_out


def test_mlp_forward_is_the_sum_of_its_layers():
    assert flops(MLP(40, (128, 64), 10), np.zeros((5, 40))) == 2 * (40 * 128 + 128 * 64 + 64 * 10)


def test_training_adds_the_backward_pass():
    # forward 2io per layer; backward 2io for the weight gradient of every layer and 2io for
    # the input gradient of every layer but the first (no gradient is needed for the data)
    net = MLP(20, (30,), 5)
    forward = 2 * (20 * 30 + 30 * 5)
    assert flops(net, np.zeros((4, 20)), training=True) == forward + 2 * (20 * 30 + 30 * 5) + 2 * 30 * 5


def test_convolution_is_counted():
    # first layer: 1 input channel, kernel 5, 20 outputs of 8 channels; 2 FLOPs per multiply-add
    net = nn.Conv1d(1, 8, 5, stride=2, padding=1)
    assert flops(net, np.zeros((3, 1, 40))) == 2 * 8 * 5 * 19
    assert flops(CNN1d(40, 10, channels=8), np.zeros((2, 40))) > 2 * 8 * 5 * 19


def test_flops_leaves_mode_and_gradients_as_they_were():
    net = MLP(4, (8,), 2, dropout=0.5).eval()
    flops(net, torch.zeros(3, 4), training=True)
    assert not net.training and all(p.grad is None for p in net.parameters())
    net.train()
    flops(net, torch.zeros(3, 4))
    assert net.training


def test_time_fit_fits_in_place_and_both_clocks_work():
    X, y = np.random.default_rng(0).normal(size=(20_000, 20)), np.arange(20_000) % 2
    model = LogisticRegression()
    assert time_fit(model, X, y, clock="wall") > 0 and hasattr(model, "coef_")
    # a fit of a few milliseconds or more: the process clock, which counts CPU time, sees it too
    assert time_fit(model, X, y, clock="process") > 0


def test_latency_per_call_grows_with_the_batch():
    class Slow:
        def predict(self, X):
            start = __import__("time").perf_counter()
            while __import__("time").perf_counter() - start < 1e-4 * len(X):
                pass
            return np.zeros(len(X))

    X = np.zeros((40, 2))
    assert latency(Slow(), X, batch_size=20, repeats=3, clock="wall") > 5 * latency(Slow(), X, repeats=3, clock="wall")


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: flops("net", np.zeros((1, 2))), TypeError, "model must be a torch.nn.Module; got str"),
        (
            lambda: flops(nn.Linear(2, 1), np.zeros(2)),
            ValueError,
            r"at least one example, one per row .*got shape \(2,\)",
        ),
        (lambda: flops(nn.Linear(2, 1), np.zeros((0, 2))), ValueError, "at least one example"),
        (lambda: flops(nn.Linear(2, 1), [[1.0, np.nan]]), ValueError, "NaN or infinite"),
        (lambda: flops(nn.Linear(2, 1), [["a", "b"]]), ValueError, "must be an array of numbers"),
        (lambda: time_fit(object(), [[0.0]], [0]), TypeError, "estimator must have a fit method; got object"),
        (
            lambda: time_fit(LogisticRegression(), [[0.0]], [0], clock="cpu"),
            ValueError,
            r"clock must be one of \('process', 'wall'\); got 'cpu'",
        ),
        (lambda: latency(object(), [[0.0]]), TypeError, "estimator must have a predict method"),
        (
            lambda: latency(LogisticRegression(), [[0.0]], batch_size=2),
            ValueError,
            r"batch_size \(2\) is larger than X \(1 rows\)",
        ),
        (
            lambda: latency(LogisticRegression(), [[0.0]], repeats=0),
            ValueError,
            "repeats must be a positive integer; got 0",
        ),
    ],
)
def test_bad_arguments_are_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_fastest_is_the_shortest_of_the_runs():
    sleeps = iter([0.03, 0.01, 0.02])
    # each sleep lasts at least as long as asked: the shortest is the 0.01 s one, unless it overran by 0.01 s
    assert 0.01 <= fastest(lambda: time.sleep(next(sleeps)), repeats=3, clock="wall") < 0.02


@pytest.mark.parametrize(
    ("task", "settings", "error", "message"),
    [
        (None, {}, TypeError, "task must be a function of no arguments; got NoneType"),
        (lambda: None, {"repeats": 0}, ValueError, "repeats must be a positive integer; got 0"),
        (lambda: None, {"clock": "cpu"}, ValueError, r"clock must be one of \('process', 'wall'\); got 'cpu'"),
    ],
)
def test_fastest_explains_bad_arguments(task, settings, error, message):
    with pytest.raises(error, match=message):
        fastest(task, **settings)
