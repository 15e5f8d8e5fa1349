import pytest
import torch

from dlml.text_models import GRUClassifier, TextCNN


def test_text_models_map_token_ids_to_logits():
    ids = torch.tensor([[3.0, 1.0, 2.0, 0.0, 0.0, 0.0], [4.0, 4.0, 1.0, 2.0, 5.0, 0.0]])
    for model in (TextCNN(6, 6, 2, kernel_sizes=(2, 3)), GRUClassifier(6, 6, 3)):
        assert model(ids).shape == (2, model.head.out_features)
    # padding_idx: the embedding of id 0 is zero and stays out of training
    assert torch.equal(TextCNN(6, 6).embed.weight[0], torch.zeros(16))


def test_gru_reads_each_row_up_to_its_last_word():
    model = GRUClassifier(6, 6, 2).eval()
    short = torch.tensor([[3.0, 1.0, 2.0, 0.0, 0.0, 0.0]])
    with torch.no_grad():
        expected = model.head(model.gru(model.embed(short[:, :3].long()))[0][:, -1])
        assert torch.allclose(model(short), expected, atol=1e-6)


def test_text_cnn_ignores_where_a_pattern_is():
    model = TextCNN(6, 8, 2, kernel_sizes=(2,)).eval()
    a = torch.tensor([[5.0, 5.0, 1.0, 2.0, 5.0, 5.0, 5.0, 5.0]])
    b = torch.tensor([[5.0, 5.0, 5.0, 5.0, 1.0, 2.0, 5.0, 5.0]])
    with torch.no_grad():  # global max pooling: the same word pairs, in other places, give the same output
        assert torch.allclose(model(a), model(b))


@pytest.mark.parametrize(
    "model, x, message",
    [
        (
            TextCNN(6, 4, kernel_sizes=(3,)),
            torch.zeros(3, 5),
            r"TextCNN expects input of shape \(batch, 4\); got \(3, 5\)",
        ),
        (
            TextCNN(6, 4, kernel_sizes=(3,)),
            torch.full((2, 4), 6.0),
            "TextCNN expects whole-number token ids from 0 to 5",
        ),
        (GRUClassifier(6, 4), torch.full((2, 4), 0.5), "GRUClassifier expects whole-number token ids from 0 to 5"),
        (GRUClassifier(6, 4), torch.full((2, 4), -1.0), "GRUClassifier expects whole-number token ids from 0 to 5"),
    ],
)
def test_text_models_explain_bad_inputs(model, x, message):
    with pytest.raises(ValueError, match=message):
        model(x)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: TextCNN(0, 10), "vocab_size must be a positive integer; got 0"),
        (
            lambda: TextCNN(10, 4, kernel_sizes=(3, 5)),
            r"kernel_sizes must be non-empty and at most length = 4; got \(3, 5\)",
        ),
        (lambda: TextCNN(10, 4, kernel_sizes=()), "kernel_sizes must be non-empty"),
        (lambda: GRUClassifier(10, 4, state_size=0), "state_size must be a positive integer; got 0"),
    ],
)
def test_text_models_explain_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()
