import pytest

from dlml.compare import compare
from dlml.data import load
from dlml.zoo import mlp, model_zoo


def test_every_zoo_model_fits_and_predicts_on_signals():
    ds = load("mnist1d", n_train=300, n_test=100, seed=0)
    zoo = model_zoo("signal")
    zoo["CNN"].set_params(epochs=2)
    zoo["MLP"].set_params(neuralnetclassifier__epochs=2)
    table = compare(zoo, ds, seeds=(0,))
    assert set(table.model) == set(zoo) and table.test_accuracy.between(0, 1).all()


def test_mlp_accepts_overrides():
    net = mlp((8,), epochs=3).steps[-1][1]
    assert net.module_params == {"hidden": (8,)} and net.epochs == 3 and net.early_stopping


def test_unknown_kind_is_explained():
    with pytest.raises(ValueError, match=r"kind must be one of \('tabular', 'signal'\); got 'images'"):
        model_zoo("images")
