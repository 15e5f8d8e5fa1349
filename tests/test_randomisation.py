import numpy as np
import pytest
import torch
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from torch import nn

from dlml.explain import saliency
from dlml.randomisation import randomised_copy, rank_agreement


def test_randomised_copy_cascades_from_the_output_and_leaves_the_model_alone(mlp):
    before = [p.detach().clone() for p in mlp.parameters()]
    state = torch.get_rng_state()
    top = randomised_copy(mlp, seed=0, n_layers=1)
    everything = randomised_copy(mlp, seed=0)
    assert torch.equal(state, torch.get_rng_state())  # the global random state is untouched
    assert all(torch.equal(a, b) for a, b in zip(before, mlp.parameters()))
    changed = [not torch.equal(a, b) for a, b in zip(mlp.parameters(), top.parameters())]
    assert changed == [False, False, False, False, True, True]  # (weight, bias) of 3 layers; only the last
    assert all(not torch.equal(a, b) for a, b in zip(mlp.parameters(), everything.parameters()))
    again = randomised_copy(mlp, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(everything.parameters(), again.parameters()))


def test_randomised_network_gives_different_saliency(mlp, X):
    rho = rank_agreement(np.abs(saliency(mlp, X)), np.abs(saliency(randomised_copy(mlp, seed=1), X)))
    assert rho.shape == (len(X),) and np.nanmean(rho) < 0.6  # a row of dead ReLUs has no ranking (NaN)


def test_rank_agreement_is_spearman_per_row():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 12)), rng.normal(size=(5, 12))
    expected = [spearmanr(a[i], b[i]).statistic for i in range(5)]
    np.testing.assert_allclose(rank_agreement(a, b), expected)
    assert rank_agreement(a[0], b[0]) == pytest.approx(expected[0])
    assert np.isnan(rank_agreement([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))  # a constant row has no ranking


def test_bad_arguments_are_explained(mlp):
    with pytest.raises(ValueError, match=r"n_layers \(at most the 3 weighted layers\) must be an integer from 1 to 3"):
        randomised_copy(mlp, seed=0, n_layers=4)
    with pytest.raises(TypeError, match=r"n_layers .* must be an integer from 1 to 3; got 1.5"):
        randomised_copy(mlp, seed=0, n_layers=1.5)
    with pytest.raises(TypeError, match="seed must be an int"):
        randomised_copy(mlp, seed="0")
    with pytest.raises(ValueError, match="no layer"):
        randomised_copy(nn.ReLU(), seed=0)
    with pytest.raises(TypeError, match="torch.nn.Module or a fitted dlml NeuralNetClassifier"):
        randomised_copy(LogisticRegression(), seed=0)
    with pytest.raises(ValueError, match=r"same 1-D or 2-D shape .* got \(3,\) and \(4,\)"):
        rank_agreement([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="NaN"):
        rank_agreement([1, np.nan, 3], [1, 2, 3])
