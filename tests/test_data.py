import numpy as np
import pytest

from dlml import data, negation, tables
from dlml.data import load

SMALL = {
    "xor": {},
    "moons": {},
    "spirals": {},
    "digits": {},
    "breast_cancer": {},
    "wine": {},
    "mnist1d": {"n_train": 200, "n_test": 100},
    "negation": {"n_train": 200, "n_test": 100},
    "negation_long": {"n_train": 200, "n_test": 100},
    **{name: {} for name in tables.NAMES},
}


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
    assert ds.description
    if name not in tables.NAMES:  # real tables keep their missing values (tests/test_tables.py)
        assert np.isfinite(ds.X_train).all()


@pytest.mark.parametrize("name", data.NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (load(name, seed=s, **SMALL[name]) for s in (4, 4, 5))
    assert np.array_equal(a.X_train, b.X_train, equal_nan=True) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", ["xor", "moons", "spirals", "mnist1d", "negation", "negation_long"])
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
    with pytest.raises(ValueError, match=r"unknown data set 'mnist'; accepted names: \(.*'breast_cancer'"):
        load("mnist")


def test_more_examples_than_the_set_has_is_an_error():
    with pytest.raises(ValueError, match=r"wine has 178 examples; n_train \+ n_test = 170 \+ 45 = 215"):
        load("wine", n_train=170, n_test=45)
    with pytest.raises(ValueError, match=r"wine has 178 examples; n_train = 200 leaves none for the test set"):
        load("wine", n_train=200)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_train": 0}, "n_train must be a positive integer; got 0"),
        ({"seed": -1}, "seed must be a non-negative integer; got -1"),
        ({"noise": float("nan")}, "noise must be a finite number >= 0"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load("moons", **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"n_test": 2.5}, "n_test must be a positive integer; got 2.5"), ({"seed": "1"}, "seed must be a non-negative")],
)
def test_arguments_of_the_wrong_kind_are_type_errors(kwargs, message):
    with pytest.raises(TypeError, match=message):
        load("moons", **kwargs)


@pytest.mark.parametrize("name, length, distances", [("negation", 12, {1}), ("negation_long", 20, set(range(3, 9)))])
def test_text_sets_are_padded_token_ids_with_one_negator_and_one_polarity_word(name, length, distances):
    ds = load(name, n_train=300, n_test=100, seed=0)
    assert ds.X_train.shape == (300, length) and ds.X_test.shape == (100, length)
    ids = ds.X_train.astype(np.int64)
    assert np.array_equal(ids, ds.X_train) and ids.min() >= 0 and ids.max() < len(ds.meta["vocabulary"])
    assert (np.diff((ids == 0).astype(int), axis=1) >= 0).all(), "padding (0) only after the last word"
    vocab = ds.meta["vocabulary"]
    negators = np.isin(ids, [vocab.index(w) for w in negation.NEGATORS])
    polar = np.isin(ids, [vocab.index(w) for w in negation.POSITIVE + negation.NEGATIVE])
    assert (negators.sum(1) == 1).all() and (polar.sum(1) == 1).all()
    assert set(np.abs(negators.argmax(1) - polar.argmax(1))) == distances
    assert 0.4 < ds.y_train.mean() < 0.6 and ds.class_names == ("negative", "positive")
    assert "SYNTHETIC" in ds.description


@pytest.mark.parametrize("name", ["negation", "negation_long"])
def test_text_labels_follow_the_rule_and_depend_on_word_order(name):
    ds = load(name, n_train=300, n_test=50, seed=3)
    sentences = negation.tokens_to_text(ds.X_train, ds.meta["vocabulary"])
    assert [negation.label(s.split()) for s in sentences] == ds.y_train.tolist()
    # The same words in reverse order: the negator changes sides, so every label flips.
    assert [negation.label(s.split()[::-1]) for s in sentences] == (1 - ds.y_train).tolist()


def test_negation_label_on_examples():
    assert negation.label("the film was not good".split()) == 0
    assert negation.label("never was the film so bad".split()) == 1
    assert negation.label("a good film and not long".split()) == 1  # the negator scopes over what follows


def test_tokens_to_text_drops_padding_and_feeds_a_bag_of_words():
    from sklearn.feature_extraction.text import CountVectorizer

    vocab = ("<pad>", "not", "good", "a")
    texts = negation.tokens_to_text(np.array([[3, 1, 2, 0], [2, 1, 0, 0]], dtype=np.float32), vocab)
    assert texts == ["a not good", "good not"]
    bag = CountVectorizer(token_pattern=r"\S+").fit(texts)
    assert sorted(bag.vocabulary_) == ["a", "good", "not"]


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([1, 2]), r"X must be a 2-D array of token ids \(n, length\); got shape \(2,\)"),
        (np.array([[1.5, 0.0]]), "X must hold whole numbers from 0 to 3"),
        (np.array([[4, 0]]), "X must hold whole numbers from 0 to 3"),
        (np.array([[-1, 0]]), "X must hold whole numbers from 0 to 3"),
    ],
)
def test_tokens_to_text_explains_bad_ids(X, message):
    with pytest.raises(ValueError, match=message):
        negation.tokens_to_text(X, ("<pad>", "not", "good", "a"))


@pytest.mark.parametrize("words", ["the film was good".split(), "not good but never bad".split()])
def test_negation_label_needs_one_negator_and_one_polarity_word(words):
    with pytest.raises(ValueError, match="a sentence needs exactly one polarity word and one negator"):
        negation.label(words)


def test_bad_text_set_names_and_sizes_are_explained():
    with pytest.raises(
        ValueError, match=r"unknown data set 'negation_short'; accepted names: .*'negation', 'negation_long'"
    ):
        load("negation_short")
    with pytest.raises(ValueError, match="n_train must be a positive integer; got -5"):
        load("negation", n_train=-5)


@pytest.mark.parametrize("n_train, n_test", [(29, 21), (7, 3), (4000, 1000)])
def test_mnist1d_gives_exactly_the_sizes_asked_for(n_train, n_test):
    # 29 of 50 once gave 28: the generator splits at int(50 * 0.58) == int(28.999...)
    ds = load("mnist1d", n_train=n_train, n_test=n_test, seed=0)
    assert (len(ds.y_train), len(ds.y_test)) == (n_train, n_test)
