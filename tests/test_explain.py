import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from torch import nn

from dlml.estimator import NeuralNetClassifier
from dlml.explain import integrated_gradients, saliency, tree_rules
from dlml.models import MLP, CNN1d


@pytest.fixture
def linear():
    torch.manual_seed(0)
    return nn.Linear(5, 3)


def test_saliency_of_a_linear_model_is_its_weight_row(linear):
    X = np.random.default_rng(1).normal(size=(7, 5))
    for c in range(3):
        np.testing.assert_allclose(
            saliency(linear, X, target=c), np.tile(linear.weight[c].detach().numpy(), (7, 1)), rtol=1e-6
        )


def test_saliency_matches_autograd_and_defaults_to_the_predicted_class(mlp, X):
    Xt = torch.tensor(X, requires_grad=True)
    out = mlp(Xt)
    predicted = out.argmax(1)
    out.gather(1, predicted[:, None]).sum().backward()
    np.testing.assert_allclose(saliency(mlp, X), Xt.grad.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(saliency(mlp, X), saliency(mlp, X, target=predicted.numpy()))


def test_integrated_gradients_of_a_linear_model_is_weight_times_distance(linear):
    X = np.random.default_rng(2).normal(size=(4, 5))
    base = np.full(5, 0.5)
    attr = integrated_gradients(linear, X, target=2, baseline=base)
    np.testing.assert_allclose(attr, (X - base) * linear.weight[2].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_integrated_gradients_is_complete(mlp, X):
    attr, delta = integrated_gradients(mlp, X, target=1, n_steps=100, return_delta=True)
    with torch.no_grad():
        change = (mlp(torch.tensor(X)) - mlp(torch.zeros(1, 6)))[:, 1].numpy()
    np.testing.assert_allclose(attr.sum(axis=1), change, atol=2e-2 * np.abs(change).max())
    np.testing.assert_allclose(delta, attr.sum(axis=1) - change, atol=1e-4)
    assert attr.dtype == np.float64 and delta.shape == (len(X),)


def test_baseline_may_be_a_number_a_row_or_one_per_example(mlp, X):
    a = integrated_gradients(mlp, X, baseline=0.3)
    np.testing.assert_allclose(a, integrated_gradients(mlp, X, baseline=np.full(6, 0.3)), rtol=1e-6)
    np.testing.assert_allclose(a, integrated_gradients(mlp, X, baseline=np.full(X.shape, 0.3)), rtol=1e-6)


def test_model_is_evaluated_in_eval_mode_and_its_mode_is_restored(X):
    torch.manual_seed(0)
    net = MLP(6, (32,), 3, dropout=0.5).train()
    first, second = saliency(net, X), saliency(net, X)  # dropout off: the same gradients twice
    np.testing.assert_array_equal(first, second)
    assert net.training
    integrated_gradients(net.eval(), X)
    assert not net.training


def test_accepts_tensors_and_a_fitted_classifier(X):
    y = (X[:, 0] > 0).astype(int)
    clf = NeuralNetClassifier(module_params={"hidden": (8,)}, epochs=2, progress=False).fit(X, y)
    np.testing.assert_array_equal(saliency(clf, torch.tensor(X)), saliency(clf.module_, X))
    assert saliency(CNN1d(40, 10, channels=4), np.zeros((2, 40))).shape == (2, 40)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_runs_on_the_models_device(mlp, X):
    on_cpu = integrated_gradients(mlp, X)
    on_gpu = integrated_gradients(mlp.cuda(), X)
    assert isinstance(on_gpu, np.ndarray) and next(mlp.parameters()).is_cuda
    np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-3, atol=1e-4)


def test_tree_rules_name_the_features():
    X = np.array([[0.0, 5.0], [1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    tree = DecisionTreeClassifier(max_depth=2).fit(X, [0, 0, 1, 1])
    rules = tree_rules(tree, ["size", "colour"])
    assert "size <= 1.50" in rules and "colour" not in rules
    assert "feature_0" in tree_rules(tree)


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (np.zeros(6), ValueError, r"2-D array .* got shape \(6,\)"),
        (np.zeros((0, 6)), ValueError, "empty"),
        (np.full((2, 6), np.nan), ValueError, "12 NaN or infinite"),
        ([["a"] * 6], TypeError, "array of numbers"),
        (np.zeros((2, 5)), ValueError, "expects 6 features per example; X has 5"),
    ],
)
def test_bad_inputs_are_named(mlp, bad, error, message):
    for explain in (saliency, integrated_gradients):
        with pytest.raises(error, match=message):
            explain(mlp, bad)


def test_bad_targets_baselines_and_steps(mlp, X):
    with pytest.raises(ValueError, match=r"target must index the model's 4 outputs \(0 to 3\)"):
        saliency(mlp, X, target=4)
    with pytest.raises(ValueError, match="20 ints"):
        saliency(mlp, X, target=[0, 1])
    with pytest.raises(ValueError, match="20 ints"):
        saliency(mlp, X, target=1.5)
    with pytest.raises(ValueError, match=r"baseline must be a number, shape \(6,\)"):
        integrated_gradients(mlp, X, baseline=np.zeros(3))
    with pytest.raises(ValueError, match="baseline contains NaN"):
        integrated_gradients(mlp, X, baseline=np.nan)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 2"):
        integrated_gradients(mlp, X, n_steps=1)


def test_bad_models_are_explained():
    with pytest.raises(TypeError, match="torch.nn.Module or a fitted dlml NeuralNetClassifier"):
        saliency(LogisticRegression(), np.zeros((1, 6)))


def test_bad_trees():
    with pytest.raises(TypeError, match="DecisionTreeClassifier or DecisionTreeRegressor; got LogisticRegression"):
        tree_rules(LogisticRegression())
    with pytest.raises(ValueError, match="not fitted"):
        tree_rules(DecisionTreeClassifier())
    tree = DecisionTreeClassifier().fit([[0, 1], [1, 0]], [0, 1])
    with pytest.raises(ValueError, match="feature_names has 1 names; the tree has 2 features"):
        tree_rules(tree, ["a"])


def test_saliency_of_a_2d_cnn_takes_its_flat_images():
    # CNN2d's first layer with in_features is its head: the width check must not read it
    from dlml.models import CNN2d

    torch.manual_seed(0)
    cnn = CNN2d(side=8, n_outputs=3).eval()
    X = np.random.default_rng(0).normal(size=(4, 64)).astype(np.float32)
    s = saliency(cnn, X)
    Xt = torch.tensor(X, requires_grad=True)
    out = cnn(Xt)
    out.gather(1, out.argmax(1, keepdim=True)).sum().backward()
    assert s.shape == (4, 64) and np.allclose(s, Xt.grad.numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="expects 64 features per example; X has 63"):
        saliency(cnn, X[:, :63])
