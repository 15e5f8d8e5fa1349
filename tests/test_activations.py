import numpy as np
import pytest
import torch
from torch import nn

from dlml.activations import layer_outputs
from dlml.models import MLP

X = np.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]], dtype=np.float32)
# Hand-picked weights of MLP(2, (3, 2), 1): rows are units, columns are inputs.
W1 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
B1 = np.array([0.0, 0.5, -1.0])
W2 = np.array([[1.0, -1.0, 2.0], [0.5, 0.5, 0.5]])
B2 = np.array([0.1, -0.2])
W3 = np.array([[1.0, -1.0]])
B3 = np.array([0.3])


def hand_set(model):
    linears = [m for m in model.net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for layer, (w, b) in zip(linears, [(W1, B1), (W2, B2), (W3, B3)]):
            layer.weight.copy_(torch.tensor(w))
            layer.bias.copy_(torch.tensor(b))
    return model


@pytest.mark.parametrize("activation, f", [
    ("relu", lambda z: np.maximum(z, 0.0)),
    ("tanh", np.tanh),
])
def test_outputs_match_a_hand_computation(activation, f):
    model = hand_set(MLP(2, (3, 2), 1, activation=activation))
    h1 = f(X @ W1.T + B1)  # (3 examples, 3 units)
    h2 = f(h1 @ W2.T + B2)  # (3 examples, 2 units)
    outputs = layer_outputs(model, X)
    assert [o.shape for o in outputs] == [(3, 3), (3, 2)]
    np.testing.assert_allclose(outputs[0], h1, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(outputs[1], h2, rtol=1e-6, atol=1e-6)
    # The last hidden layer, passed through the output layer, gives the model's output.
    np.testing.assert_allclose(outputs[1] @ W3.T + B3, model(torch.tensor(X)).detach().numpy(), atol=1e-6)


def test_first_relu_layer_by_hand():
    model = hand_set(MLP(2, (3, 2), 1))
    # x = (1, -2): z = (1, -2 + 0.5, 1 + 2 - 1) = (1, -1.5, 2); relu -> (1, 0, 2)
    np.testing.assert_allclose(layer_outputs(model, X[:1])[0], [[1.0, 0.0, 2.0]])


def test_sequential_with_dropout_is_evaluated_in_eval_mode_and_mode_is_restored():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.5), nn.Linear(8, 2))
    net.train()
    x = np.random.default_rng(0).normal(size=(10, 4))
    (h,) = layer_outputs(net, x)
    expected = torch.tanh(net[0](torch.tensor(x, dtype=torch.float32))).detach().numpy()
    np.testing.assert_allclose(h, expected, rtol=1e-6)  # no unit dropped
    assert net.training


def test_accepts_lists_tensors_and_float64_models():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    a = layer_outputs(net, [[1.0, 2.0]])
    b = layer_outputs(net, torch.tensor([[1.0, 2.0]]))
    assert a[0].dtype == np.float64
    np.testing.assert_array_equal(a[0], b[0])


def test_a_network_without_hidden_layers_has_no_hidden_outputs():
    assert layer_outputs(MLP(5, (), 2), np.zeros((4, 5))) == []


@pytest.mark.parametrize("x, message", [
    (np.zeros((3, 5)), "the model expects 2 features per example; X has 5"),
    (np.array([[0.0, np.nan]]), "X contains 1 NaN or infinite value"),
    (np.array([[np.inf, 1.0]]), "X contains 1 NaN or infinite value"),
    (np.zeros((0, 2)), r"X is empty \(0 examples\)"),
    (np.zeros(2), r"X must be a 2-D array .* got shape \(2,\)"),
    ([["a", "b"]], "X must be an array of numbers"),
])
def test_bad_inputs_are_explained(x, message):
    with pytest.raises(ValueError, match=message):
        layer_outputs(MLP(2, (4,), 2), x)


def test_sequential_width_is_checked_from_its_first_linear():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with pytest.raises(ValueError, match="expects 3 features"):
        layer_outputs(net, np.zeros((2, 4)))


def test_other_modules_are_rejected():
    with pytest.raises(TypeError, match="must be a dlml.models.MLP or a torch.nn.Sequential; got Linear"):
        layer_outputs(nn.Linear(2, 2), np.zeros((1, 2)))
