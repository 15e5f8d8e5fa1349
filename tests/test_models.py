import pytest
import torch

from dlml.models import CNN1d, MLP, count_parameters


def test_mlp_shapes_and_parameter_count():
    model = MLP(3, (4, 5), 2)
    assert model(torch.zeros(7, 3)).shape == (7, 2)
    assert count_parameters(model) == (3 * 4 + 4) + (4 * 5 + 5) + (5 * 2 + 2)


def test_mlp_without_hidden_layers_is_one_linear_layer():
    model = MLP(30, (), 1)
    assert [type(m).__name__ for m in model.net] == ["Linear"]


def test_cnn_matches_the_mnist1d_paper_architecture():
    model = CNN1d(40, 10)
    assert model(torch.zeros(2, 40)).shape == (2, 10)
    # three convolutions of 25 channels (5, 3, 3 wide) and a linear layer on 25 x 5 values
    assert count_parameters(model) == (25 * 5 + 25) + 2 * (25 * 25 * 3 + 25) + (125 * 10 + 10)


@pytest.mark.parametrize("model, x, message", [
    (MLP(4, (8,), 2), torch.zeros(3, 5), r"MLP expects input of shape \(batch, 4\); got \(3, 5\)"),
    (CNN1d(40, 10), torch.zeros(3, 41), r"CNN1d expects input of shape \(batch, 40\); got \(3, 41\)"),
    (CNN1d(40, 10), torch.zeros(3, 1, 40), r"CNN1d expects input of shape \(batch, 40\); got \(3, 1, 40\)"),
])
def test_wrong_input_width_is_a_clear_error(model, x, message):
    with pytest.raises(ValueError, match=message):
        model(x)


@pytest.mark.parametrize("build, message", [
    (lambda: MLP(0, (8,), 2), "n_inputs must be a positive integer; got 0"),
    (lambda: MLP(2, (8, -1), 2), "each hidden width must be a positive integer; got -1"),
    (lambda: MLP(2, (8,), 2, activation="swish"), r"activation must be one of \('relu'"),
    (lambda: MLP(2, (8,), 2, dropout=1.0), r"dropout must be in \[0, 1\)"),
    (lambda: CNN1d(2, 10, kernel_size=5), "a signal of length 2 is too short for 3 stride-2 layers"),
])
def test_bad_constructor_arguments_are_explained(build, message):
    with pytest.raises(ValueError, match=message):
        build()
