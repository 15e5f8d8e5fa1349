import numpy as np
import pytest

from dlml import data
from dlml.data import load

SMALL = {"xor": {}, "moons": {}, "spirals": {}, "digits": {}, "breast_cancer": {}, "wine": {},
         "mnist1d": {"n_train": 200, "n_test": 100}}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DLML_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize("name", data.NAMES)
def test_every_data_set_loads_with_consistent_metadata(name):
    ds = load(name, seed=1, **SMALL[name])
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.X_train.shape[1] == ds.X_test.shape[1] == len(ds.feature_names) == ds.n_features
    assert set(np.unique(ds.y_train)) <= set(range(ds.n_classes))
    assert len(ds.X_train) == len(ds.y_train) and len(ds.X_test) == len(ds.y_test)
    assert np.isfinite(ds.X_train).all() and ds.description


@pytest.mark.parametrize("name", data.NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (load(name, seed=s, **SMALL[name]) for s in (4, 4, 5))
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", ["xor", "moons", "spirals", "mnist1d"])
def test_generated_sets_have_the_requested_sizes(name):
    ds = load(name, n_train=123, n_test=45, seed=0)
    assert (len(ds.y_train), len(ds.y_test)) == (123, 45)


def test_bundled_split_is_stratified_and_disjoint():
    ds = load("wine", n_train=100, n_test=50, seed=0)
    assert (len(ds.y_train), len(ds.y_test)) == (100, 50)
    rows = {r.tobytes() for r in ds.X_train}
    assert not any(r.tobytes() in rows for r in ds.X_test)
    assert set(ds.y_test) == {0, 1, 2}


def test_xor_labels_follow_the_rule_without_noise():
    ds = load("xor", noise=0.0, seed=0)
    assert np.array_equal(ds.y_train, ((ds.X_train[:, 0] > 0) != (ds.X_train[:, 1] > 0)).astype(int))


def test_mnist1d_is_the_packages_own_generator_and_never_downloads(monkeypatch):
    import requests
    from mnist1d.data import get_dataset_args, make_dataset

    def no_download(*args, **kwargs):
        raise AssertionError("MNIST-1D must be generated, not downloaded")

    monkeypatch.setattr(requests, "get", no_download)
    ds = load("mnist1d", seed=42)  # the published split: 4,000 / 1,000, seed 42
    reference = make_dataset(get_dataset_args())
    assert np.allclose(ds.X_train, reference["x"], atol=1e-6)
    assert np.array_equal(ds.y_test, reference["y_test"])
    assert ds.X_train.shape == (4000, 40) and ds.X_test.shape == (1000, 40)


def test_mnist1d_leaves_numpys_global_random_state_alone():
    np.random.seed(7)
    expected = np.random.rand()
    np.random.seed(7)
    load("mnist1d", n_train=50, n_test=10, seed=0)
    assert np.random.rand() == expected


def test_mnist1d_is_cached(tmp_path):
    load("mnist1d", n_train=50, n_test=10, seed=0)
    files = list((tmp_path / "cache").glob("mnist1d-*.pkl"))
    assert len(files) == 1
    again = load("mnist1d", n_train=50, n_test=10, seed=0)
    assert len(again.y_train) == 50


def test_unknown_name_lists_accepted_names():
    with pytest.raises(ValueError, match=r"unknown data set 'mnist'; accepted names: \('breast_cancer'"):
        load("mnist")


def test_more_examples_than_the_set_has_is_an_error():
    with pytest.raises(ValueError, match=r"wine has 178 examples; n_train \+ n_test = 170 \+ 45 = 215"):
        load("wine", n_train=170, n_test=45)
    with pytest.raises(ValueError, match=r"wine has 178 examples; n_train = 200 leaves none for the test set"):
        load("wine", n_train=200)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_train": 0}, "n_train must be a positive integer; got 0"),
    ({"n_test": 2.5}, "n_test must be a positive integer; got 2.5"),
    ({"seed": -1}, "seed must be a non-negative integer; got -1"),
    ({"noise": float("nan")}, "noise must be a finite number >= 0"),
])
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load("moons", **kwargs)
