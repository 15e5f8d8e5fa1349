import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from dlml.data import load
from dlml.distributed import DistConfig, command, launch, local_batch_size, main, parse_args, train
from dlml.models import MLP
from dlml.train import TrainConfig, fit

# A problem small enough that two processes start, train and finish in a few seconds.
TINY = DistConfig(
    data="moons",
    n_train=256,
    n_test=128,
    data_seed=0,
    module="mlp",
    module_params={"hidden": [16, 16]},
    epochs=4,
    batch_size=64,
    lr=0.05,
    progress=False,
)


def test_one_process_learns_and_repeats_itself():
    a, b = train(TINY), train(TINY)
    assert a.world_size == 1 and a.backend is None and a.device == "cpu"
    assert len(a.train_loss) == len(a.epoch_seconds) == TINY.epochs
    assert a.train_loss[-1] < a.train_loss[0] and a.test_accuracy > 0.8
    assert a.train_loss == b.train_loss
    assert all(torch.equal(p, q) for p, q in zip(a.model.state_dict().values(), b.model.state_dict().values()))
    assert a.n_parameters == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert "model" not in a.to_dict() and json.loads(json.dumps(a.to_dict()))["config"]["module_params"] == {
        "hidden": [16, 16]
    }


def test_two_processes_compute_what_one_process_computes(tmp_path):
    """The same global batch split over two ranks: the same steps, up to rounding."""
    weights = tmp_path / "weights.pt"
    two = launch(TINY, nproc=2, save=weights, timeout=120)
    one = train(TINY)
    assert two["world_size"] == 2 and two["backend"] == "gloo" and two["device"] == "cpu"
    assert two["config"] == one.config and two["n_parameters"] == one.n_parameters
    assert len(two["train_loss"]) == len(two["epoch_seconds"]) == TINY.epochs
    assert two["launch_seconds"] > two["wall_seconds"] > 0
    np.testing.assert_allclose(two["train_loss"], one.train_loss, rtol=1e-5)
    state = torch.load(weights)
    for name, value in one.model.state_dict().items():
        torch.testing.assert_close(state[name], value, rtol=1e-5, atol=1e-6)
    assert two["test_accuracy"] == pytest.approx(one.test_accuracy, abs=1 / TINY.n_test)


def test_without_torchrun_the_script_trains_in_one_process(tmp_path, monkeypatch):
    for name in ("RANK", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "deep" / "result.json"
    argv = [
        "--data",
        "moons",
        "--n-train",
        "128",
        "--n-test",
        "64",
        "--data-seed",
        "0",
        "--module",
        "mlp",
        "--module-params",
        '{"hidden": [8, 8]}',
        "--no-progress",
        "--epochs",
        "2",
        "--batch-size",
        "32",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    result = json.loads(out.read_text())
    assert result["world_size"] == 1 and len(result["train_loss"]) == 2
    # the command line runs exactly the in-process training of the same configuration
    mlp = {"module": "mlp", "module_params": {"hidden": [8, 8]}}
    same = train(DistConfig(data="moons", n_train=128, n_test=64, data_seed=0, **mlp, epochs=2, batch_size=32))
    assert result["train_loss"] == same.train_loss and result["test_accuracy"] == same.test_accuracy


def test_command_line_round_trip():
    argv = command(TINY, nproc=2, out="r.json", python="python")
    assert argv[:7] == [
        "python",
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "dlml.distributed",
    ]
    config, out, save = parse_args(argv[7:])
    assert config == TINY and str(out) == "r.json" and save is None
    assert command(DistConfig(), python="python")[7:] == ["--out", "result.json"]  # the defaults need no option


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"data": "imagenet"}, "data must be one of"),
        (
            {"module": "resnet"},
            r"module must be one of \('mlp', 'cnn1d', 'cnn2d', 'textcnn', 'gru', 'table_net'\); got 'resnet'",
        ),
        ({"optimiser": "lbfgs"}, "optimiser must be one of"),
        ({"epochs": 0}, "epochs must be a positive integer; got 0"),
        ({"early_stopping": True}, "early_stopping needs a validation set"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"lr": float("nan")}, "lr must be a positive number"),
        ({"n_train": 50, "batch_size": 64}, r"batch_size \(64\) must not exceed n_train \(50\)"),
    ],
)
def test_bad_settings_are_explained(changes, message):
    with pytest.raises(ValueError, match=message):
        DistConfig(**changes)


def test_a_setting_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match="batch_size must be a positive integer; got 2.5"):
        DistConfig(batch_size=2.5)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], "epochs must be a positive integer; got 0"),
        (["--module", "resnet"], "module must be one of"),
        (["--module-params", "[48]"], "module_params must be a dict or None; got [48]"),
        (["--module-params", "{channels: 48}"], "argument --module-params: invalid loads value"),
        (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    ],
)
def test_bad_command_lines_exit_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_a_global_batch_must_split_evenly():
    assert local_batch_size(96, 3) == 32
    with pytest.raises(ValueError, match=r"batch_size \(100\) must be a multiple of the world size \(3\)"):
        local_batch_size(100, 3)
    with pytest.raises(ValueError, match="nproc must be a positive integer; got 0"):
        command(TINY, nproc=0)


def test_one_process_is_the_books_training_loop():
    """distributed.train is dlml.train.fit on the data set and network its config names."""
    result = train(TINY)
    ds = load(TINY.data, n_train=TINY.n_train, n_test=TINY.n_test, seed=TINY.data_seed)
    torch.manual_seed(TINY.seed)
    model = MLP(2, (16, 16), 2)
    history = fit(model, ds.X_train, ds.y_train, TrainConfig(epochs=4, batch_size=64, lr=0.05, progress=False))
    assert result.train_loss == history.train_loss
    assert all(torch.equal(p, q) for p, q in zip(result.model.state_dict().values(), model.state_dict().values()))


def test_two_processes_need_every_batch_to_split_evenly():
    # 251 examples in batches of 64: the last batch has 59, which two ranks cannot share
    with pytest.raises(RuntimeError, match=r"batch_size \(59\) must be a multiple of the world size \(2\)"):
        launch(replace(TINY, n_train=251), nproc=2, timeout=120)
