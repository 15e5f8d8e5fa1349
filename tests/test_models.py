import pytest
import torch

from dlml.models import MLP, CNN1d, CNN2d, build, count_parameters
from dlml.text_models import GRUClassifier, TextCNN


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


def test_cnn2d_on_8x8_images_given_as_rows():
    model = CNN2d(8, 10)
    assert model(torch.zeros(3, 64)).shape == (3, 10)
    # 3x3 convolutions of 16 and 32 channels; two 2x2 poolings leave 32 maps of 2 x 2
    assert count_parameters(model) == (16 * 9 + 16) + (32 * 16 * 9 + 32) + (32 * 4 * 10 + 10)


@pytest.mark.parametrize(
    "model, x, message",
    [
        (MLP(4, (8,), 2), torch.zeros(3, 5), r"MLP expects input of shape \(batch, 4\); got \(3, 5\)"),
        (CNN1d(40, 10), torch.zeros(3, 41), r"CNN1d expects input of shape \(batch, 40\); got \(3, 41\)"),
        (CNN1d(40, 10), torch.zeros(3, 1, 40), r"CNN1d expects input of shape \(batch, 40\); got \(3, 1, 40\)"),
        (CNN2d(8, 10), torch.zeros(3, 63), r"CNN2d expects input of shape \(batch, 64\); got \(3, 63\)"),
    ],
)
def test_wrong_input_width_is_a_clear_error(model, x, message):
    with pytest.raises(ValueError, match=message):
        model(x)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: MLP(0, (8,), 2), "n_inputs must be a positive integer; got 0"),
        (lambda: MLP(2, (8, -1), 2), "each hidden width must be a positive integer; got -1"),
        (lambda: MLP(2, (8,), 2, activation="swish"), r"activation must be one of \('relu'"),
        (lambda: MLP(2, (8,), 2, dropout=1.0), r"dropout must be in \[0, 1\)"),
        (lambda: CNN1d(2, 10, kernel_size=5), "a signal of length 2 is too short for 3 stride-2 layers"),
        (lambda: CNN2d(3, 10), "images of side 3 are too small for 2 pooling blocks"),
        (lambda: CNN2d(8, 10, block_channels=(16, 0)), "each block.s channel count must be a positive integer; got 0"),
    ],
)
def test_bad_constructor_arguments_are_explained(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize(
    ("name", "n_features", "params", "kind"),
    [("mlp", 40, {"hidden": (8,)}, MLP), ("cnn1d", 40, {}, CNN1d), ("cnn2d", 64, {}, CNN2d),
     ("textcnn", 12, {"vocab_size": 20}, TextCNN), ("gru", 12, {"vocab_size": 20}, GRUClassifier)],
)  # fmt: skip
def test_build_makes_each_architecture_for_a_data_sets_width(name, n_features, params, kind):
    model = build(name, n_features, 3, **params)
    assert isinstance(model, kind) and model.n_inputs == n_features
    x = torch.ones(2, n_features)
    assert model(x).shape == (2, 3)


def test_build_explains_an_unknown_name_and_a_missing_vocabulary():
    with pytest.raises(ValueError, match=r"unknown architecture 'rnn'; choose one of \('mlp', 'cnn1d'"):
        build("rnn", 10, 2)
    with pytest.raises(TypeError, match="textcnn needs vocab_size"):
        build("textcnn", 10, 2)
