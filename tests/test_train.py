import time

import numpy as np
import pytest
import torch

from dlml.data import load
from dlml.device import torch_threads
from dlml.models import MLP
from dlml.train import History, TrainConfig, epochs_for_steps, fit


@pytest.fixture(scope="module")
def xor():
    return load("xor", n_train=300, n_test=300, seed=0)


QUICK = TrainConfig(epochs=60, lr=0.05, batch_size=32, progress=False)


def trained(ds, config=QUICK, hidden=(16,)):
    torch.manual_seed(0)
    model = MLP(2, hidden, 2)
    return model, fit(model, ds.X_train, ds.y_train, config, ds.X_test, ds.y_test)


def test_a_hidden_layer_learns_xor_and_history_is_complete(xor):
    _, history = trained(xor)
    assert history.epochs == 60
    assert len(history.train_acc) == len(history.val_loss) == len(history.val_acc) == 60
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_acc[-1] > 0.9
    frame = history.to_frame()
    timings = ["epoch_seconds", "epoch_cpu_seconds"]
    assert list(frame.columns) == ["train_loss", "train_acc", "val_loss", "val_acc", *timings]
    assert frame.index[0] == 1


def test_each_epoch_is_timed_within_the_whole_fit(xor):
    start = time.perf_counter()
    _, history = trained(xor)
    elapsed = time.perf_counter() - start
    assert len(history.epoch_seconds) == len(history.epoch_cpu_seconds) == 60
    assert min(history.epoch_seconds) > 0 and sum(history.epoch_seconds) < elapsed


def test_training_leaves_torchs_global_generator_alone(xor):
    model = MLP(2, (4,), 2)
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    fit(model, xor.X_train, xor.y_train, QUICK)
    assert torch.equal(torch.rand(3), expected)


def test_training_is_repeatable(xor):
    a, _ = trained(xor)
    b, _ = trained(xor)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


def test_early_stopping_stops_and_keeps_the_best_weights(xor):
    config = TrainConfig(epochs=500, lr=0.05, batch_size=32, early_stopping=True, patience=5, progress=False)
    model, history = trained(xor, config)
    assert history.stopped_early and history.epochs < 500
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert history.epochs == history.best_epoch + 5
    loss_fn = torch.nn.CrossEntropyLoss()
    with torch.no_grad():
        kept = loss_fn(model(torch.as_tensor(xor.X_test)), torch.as_tensor(xor.y_test)).item()
    assert kept == pytest.approx(min(history.val_loss), rel=1e-5)


def test_regression_with_mse():
    x = np.linspace(-1, 1, 200, dtype=np.float32)[:, None]
    y = 2 * x[:, 0] + 1
    torch.manual_seed(0)
    model = MLP(1, (), 1)
    history = fit(model, x, y, TrainConfig(epochs=200, lr=0.05, loss="mse", progress=False))
    assert history.train_loss[-1] < 1e-3 and np.isnan(history.train_acc[-1])


@pytest.mark.parametrize("optimiser, extra", [("sgd", {"momentum": 0.9}), ("adamw", {"weight_decay": 1e-3})])
def test_other_optimisers_train(xor, optimiser, extra):
    config = TrainConfig(epochs=60, lr=0.05, batch_size=32, optimiser=optimiser, progress=False, **extra)
    _, history = trained(xor, config)
    assert history.val_acc[-1] > 0.85


def test_cosine_schedule_changes_training_and_still_learns(xor):
    constant, _ = trained(xor, TrainConfig(epochs=30, lr=0.05, progress=False))
    cosine, history = trained(xor, TrainConfig(epochs=30, lr=0.05, schedule="cosine", progress=False))
    assert history.val_acc[-1] > 0.85
    assert not all(torch.equal(p, q) for p, q in zip(constant.parameters(), cosine.parameters()))


def test_thread_count_is_restored():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_progress_bar_only_when_asked(xor, capsys, monkeypatch):
    model = MLP(2, (4,), 2)
    fit(model, xor.X_train, xor.y_train, TrainConfig(epochs=3, progress=True))
    assert "training" in capsys.readouterr().err
    monkeypatch.setenv("DLML_PROGRESS", "0")
    fit(model, xor.X_train, xor.y_train, TrainConfig(epochs=3))
    assert capsys.readouterr().err == ""


def test_mismatched_lengths_are_an_error(xor):
    with pytest.raises(ValueError, match="X and y must have the same length; got 300 and 299"):
        fit(MLP(2), xor.X_train, xor.y_train[:-1], QUICK)


def test_empty_data_is_an_error():
    with pytest.raises(ValueError, match="empty data set"):
        fit(MLP(2), np.zeros((0, 2), np.float32), np.zeros(0, np.int64), QUICK)


def test_early_stopping_needs_validation_data(xor):
    with pytest.raises(ValueError, match="needs a validation set"):
        fit(MLP(2), xor.X_train, xor.y_train, TrainConfig(early_stopping=True))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs must be a positive integer; got 0"),
        ({"optimiser": "rmsprop"}, r"optimiser must be one of \('sgd', 'adam', 'adamw'\); got 'rmsprop'"),
        ({"loss": "hinge"}, r"loss must be one of \('cross_entropy', 'mse'\)"),
        ({"schedule": "step"}, r"schedule must be one of \('constant', 'cosine'\)"),
        ({"lr": 0.0}, "lr must be a positive number; got 0.0"),
        ({"n_threads": 0}, "n_threads must be None or a positive integer; got 0"),
        ({"batch_size": np.int64(0)}, r"batch_size must be a positive integer; got np.int64\(0\)"),
    ],
)
def test_bad_configuration_is_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 2.0}, "batch_size must be a positive integer; got 2.0"),
        ({"epochs": "10"}, "epochs must be a positive integer; got '10'"),
        ({"patience": True}, "patience must be a positive integer; got True"),
        ({"n_threads": 1.5}, "n_threads must be None or a positive integer; got 1.5"),
    ],
)
def test_a_setting_of_the_wrong_kind_is_a_type_error(kwargs, message):
    with pytest.raises(TypeError, match=message):
        TrainConfig(**kwargs)


def test_numpy_integers_are_integers():
    assert TrainConfig(epochs=np.int64(3), batch_size=np.int32(8)).epochs == 3


def test_history_of_an_empty_run_is_empty():
    assert History().epochs == 0


def test_trained_model_is_handed_back_on_the_cpu_in_eval_mode(xor):
    model, _ = trained(xor, TrainConfig(epochs=2, device="cpu", progress=False), hidden=(4,))
    assert all(p.device.type == "cpu" for p in model.parameters()) and not model.training


def test_read_only_inputs_train_without_warnings(xor):
    import warnings

    X, y = xor.X_train.copy(), xor.y_train.copy()
    X.flags.writeable = y.flags.writeable = False  # as joblib's memory-mapped arrays are
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(MLP(2, (4,), 2), X, y, TrainConfig(epochs=1, progress=False))


def test_one_full_batch_sgd_step_is_the_hand_computed_gradient_step():
    # A reference for the training loop: softmax regression, the whole batch in one step, so the
    # shuffled order cannot matter, and the update must be W - lr * mean((p - onehot(y)) x^T).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    torch.manual_seed(0)
    model = MLP(3, (), 3)
    (layer,) = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    W, b = layer.weight.detach().double().numpy().copy(), layer.bias.detach().double().numpy().copy()
    lr = 0.3
    fit(model, X, y, TrainConfig(epochs=1, batch_size=len(X), optimiser="sgd", lr=lr, progress=False))

    logits = X.astype(np.float64) @ W.T + b
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    err = (p - np.eye(3)[y]) / len(X)  # d(mean cross-entropy)/d(logits)
    assert np.allclose(layer.weight.detach().numpy(), W - lr * err.T @ X, atol=1e-6)
    assert np.allclose(layer.bias.detach().numpy(), b - lr * err.sum(axis=0), atol=1e-6)


def test_the_epoch_loss_is_the_float32_running_total_of_the_batches():
    # The loop keeps each batch's loss and sums once per epoch; the result must be exactly
    # what adding size x loss to a float32 total after every step gives (the stored outputs
    # were made that way).
    from dlml.train import _epoch_loss

    losses = np.random.default_rng(0).uniform(0, 3, size=13).astype(np.float32)
    n, batch_size = 1237, 100
    total = torch.zeros(())
    for i, loss in enumerate(torch.from_numpy(losses)):
        total += loss * min(batch_size, n - i * batch_size)
    assert _epoch_loss(losses, n, batch_size) == total.item() / n


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((0, 100, 10), ValueError, "steps must be a positive integer; got 0"),
        ((10, 100, 0), ValueError, "batch_size must be a positive integer; got 0"),
        ((10, 2.5, 10), TypeError, "n must be a positive integer; got 2.5"),
    ],
)
def test_epochs_for_steps_explains_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        epochs_for_steps(*args)


def test_epochs_for_steps_makes_at_least_the_steps_asked_for():
    for n in (1, 99, 100, 101, 250, 4000):
        epochs = epochs_for_steps(200, n, 100)
        steps_per_epoch = -(-n // 100)
        assert epochs * steps_per_epoch >= 200 > (epochs - 1) * steps_per_epoch
