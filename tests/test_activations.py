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


@pytest.mark.parametrize(
    "activation, f",
    [
        ("relu", lambda z: np.maximum(z, 0.0)),
        ("tanh", np.tanh),
    ],
)
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


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((3, 5)), "the model expects 2 features per example; X has 5"),
        (np.array([[0.0, np.nan]]), "X contains 1 NaN or infinite value"),
        (np.array([[np.inf, 1.0]]), "X contains 1 NaN or infinite value"),
        (np.zeros((0, 2)), r"X is empty \(0 examples\)"),
        (np.zeros(2), r"X must be a 2-D array .* got shape \(2,\)"),
        ([["a", "b"]], "X must be an array of numbers"),
    ],
)
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


# linear_probe -------------------------------------------------------------------------

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from dlml.activations import linear_probe  # noqa: E402

RNG = np.random.default_rng(0)
H_TRAIN, H_TEST = RNG.normal(size=(120, 5)), RNG.normal(size=(60, 5))
Y_TRAIN, Y_TEST = (H_TRAIN[:, 2] > 0).astype(int), (H_TEST[:, 2] > 0).astype(int)


def test_probe_separates_a_linearly_separable_representation():
    assert linear_probe(H_TRAIN, Y_TRAIN, H_TEST, Y_TEST) >= 0.95
    # XOR of two columns is not linearly separable: the probe stays near chance.
    xor_train = (H_TRAIN[:, 0] > 0) != (H_TRAIN[:, 1] > 0)
    xor_test = (H_TEST[:, 0] > 0) != (H_TEST[:, 1] > 0)
    assert linear_probe(H_TRAIN, xor_train, H_TEST, xor_test) < 0.75


def test_probe_equals_a_scaled_logistic_regression():
    reference = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
    expected = reference.fit(H_TRAIN, Y_TRAIN).score(H_TEST, Y_TEST)
    got = linear_probe(H_TRAIN, Y_TRAIN, H_TEST, Y_TEST, C=0.1)
    assert isinstance(got, float) and got == expected


def test_probe_reads_layer_outputs_and_tensors():
    torch.manual_seed(0)
    net = MLP(5, (8,), 2)
    (h_train,), (h_test,) = layer_outputs(net, H_TRAIN), layer_outputs(net, H_TEST)
    # a tensor and a list give the same probe as the arrays they hold
    as_arrays = linear_probe(h_train, Y_TRAIN, h_test, Y_TEST)
    assert linear_probe(torch.tensor(h_train), Y_TRAIN, h_test, list(Y_TEST)) == as_arrays


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((H_TRAIN[:, 0], Y_TRAIN, H_TEST, Y_TEST), {}, r"H_train must be a 2-D array"),
        ((H_TRAIN, Y_TRAIN, H_TEST[:0], Y_TEST[:0]), {}, r"H_test is empty"),
        ((np.full((120, 5), np.nan), Y_TRAIN, H_TEST, Y_TEST), {}, "H_train contains 600 NaN"),
        ((H_TRAIN, Y_TRAIN[:-1], H_TEST, Y_TEST), {}, r"y_train must be 1-D with one label per row of H_train \(120\)"),
        ((H_TRAIN, Y_TRAIN, H_TEST[:, :4], Y_TEST), {}, "same width; got 5 and 4"),
        ((H_TRAIN, np.zeros(120), H_TEST, Y_TEST), {}, "single class"),
        ((H_TRAIN, Y_TRAIN, H_TEST, Y_TEST), {"C": 0}, "C must be a positive number; got 0"),
        ((H_TRAIN, Y_TRAIN, H_TEST, Y_TEST), {"max_iter": 0}, "max_iter must be a positive integer; got 0"),
    ],
)
def test_probe_bad_inputs_are_explained(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        linear_probe(*args, **kwargs)


def test_probe_gives_the_same_accuracy_whatever_the_thread_settings():
    from threadpoolctl import threadpool_limits

    H = RNG.normal(size=(300, 60))
    y = (H[:, :3].sum(axis=1) + 0.5 * RNG.normal(size=300) > 0).astype(int)
    single = linear_probe(H[:200], y[:200], H[200:], y[200:])
    with threadpool_limits(limits=2):
        assert linear_probe(H[:200], y[:200], H[200:], y[200:]) == single
