import os

import pytest

from dlml.parallel import max_jobs, parallel_map, parallel_starmap


def _pid_and_square(x):
    return os.getpid(), x * x


@pytest.fixture(autouse=True)
def no_cap(monkeypatch):
    """Each test starts without DLML_MAX_JOBS, whatever the shell that runs the tests sets."""
    monkeypatch.delenv("DLML_MAX_JOBS", raising=False)


def test_results_come_back_in_the_order_of_the_arguments_from_two_processes():
    results = parallel_map(_pid_and_square, range(8), n_jobs=2)
    assert [square for _, square in results] == [x * x for x in range(8)]
    assert os.getpid() not in {pid for pid, _ in results}  # the work ran in other processes


def test_one_job_runs_in_this_process():
    assert {pid for pid, _ in parallel_map(_pid_and_square, [1, 2], n_jobs=1)} == {os.getpid()}


def test_starmap_unpacks_each_job():
    assert parallel_starmap(divmod, [(7, 2), (9, 4)], n_jobs=2) == [(3, 1), (2, 1)]


@pytest.mark.parametrize(("n_jobs", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError)])
def test_n_jobs_must_be_a_positive_integer(n_jobs, error):
    with pytest.raises(error, match="n_jobs must be a positive integer"):
        parallel_map(abs, [1], n_jobs=n_jobs)


def test_dlml_max_jobs_caps_the_processes_and_keeps_the_results(monkeypatch):
    monkeypatch.setenv("DLML_MAX_JOBS", "1")
    results = parallel_map(_pid_and_square, range(4), n_jobs=2)
    assert results == [(os.getpid(), x * x) for x in range(4)]  # all in this process, in order


def test_dlml_max_jobs_never_adds_processes(monkeypatch):
    monkeypatch.setenv("DLML_MAX_JOBS", "8")
    assert max_jobs() == 8
    assert {pid for pid, _ in parallel_map(_pid_and_square, [1, 2], n_jobs=1)} == {os.getpid()}


@pytest.mark.parametrize(
    ("text", "message"), [("two", "whole number >= 1, such as 1; got 'two'"), ("0", "between 1 and 1024; got 0")]
)
def test_a_bad_dlml_max_jobs_is_a_clear_error(monkeypatch, text, message):
    monkeypatch.setenv("DLML_MAX_JOBS", text)
    with pytest.raises(ValueError, match=message):
        parallel_map(abs, [1], n_jobs=2)
