import subprocess
import sys

import numpy as np
import pytest

from dlml import seeds


def test_without_a_shift_the_book_seed_k_is_k():
    assert seeds.seed_shift("") == 0
    assert seeds.book_seed(5) - seeds.SHIFT == 5


def test_the_environment_variable_shifts_every_seed_the_book_uses():
    code = "from dlml.seeds import book_seed, book_seeds; print(book_seed(42), book_seeds(3))"
    env = {"DLML_SEED_SHIFT": "1000", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1042 (1000, 1001, 1002)"


@pytest.mark.parametrize(
    "text, message",
    [("ten", "whole number >= 0, such as 1000; got 'ten'"), ("-3", "between 0 and"), ("1.5", "whole number")],
)
def test_a_bad_shift_is_a_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        seeds.seed_shift(text)


@pytest.mark.parametrize("k, error", [(-1, ValueError), (1.0, TypeError), (True, TypeError), ("0", TypeError)])
def test_a_book_seed_is_a_whole_number(k, error):
    with pytest.raises(error, match="whole number >= 0"):
        seeds.book_seed(k)


def test_book_seeds_are_consecutive_and_accept_numpy_integers():
    assert seeds.book_seeds(np.int64(2)) == (seeds.SHIFT, seeds.SHIFT + 1)
    with pytest.raises(ValueError, match="number of seeds must be a positive integer"):
        seeds.book_seeds(0)
