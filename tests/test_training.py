"""Tests for course_utils.training: device choice, seeding, fit (checkpoints too), evaluate, predict."""

import errno
import json
import os
import random
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import training
from course_utils.data import InMemoryLoader
from course_utils.models import VAE, MLPAutoencoder
from course_utils.training import CheckpointError, evaluate, fit, get_device, predict, seed_everything, vae_loss

ROOT = Path(__file__).resolve().parents[1]


def tiny_autoencoder() -> nn.Module:
    """Return a small autoencoder for 4-pixel 'images'."""
    model = nn.Sequential(nn.Linear(4, 2), nn.Linear(2, 4), nn.Sigmoid())
    model.encoder, model.decoder = model[0], model[1:]
    return model


def tiny_data(n: int = 64) -> torch.Tensor:
    """Return n vectors in [0, 1] that lie near a 2-D subspace."""
    generator = torch.Generator().manual_seed(0)
    z = torch.rand(n, 2, generator=generator)  # (n, 2)
    return (z @ torch.tensor([[0.5, 0.5, 0.0, 0.2], [0.0, 0.3, 0.6, 0.2]])).clamp(0, 1)  # (n, 4)


def test_get_device_defaults_to_an_available_device_and_says_so(capsys, monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    device = get_device()
    assert device.type in {"cpu", "cuda", "mps"}
    assert capsys.readouterr().out.startswith(f"Using device: {device}")


def test_course_device_overrides_and_bad_values_explain_themselves(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    assert "as requested" in capsys.readouterr().out
    with pytest.raises(ValueError, match="preferred must be a device such as 'cpu', .*got 'gpu'"):
        get_device("gpu")
    with pytest.raises(TypeError, match="preferred must be a device"):
        get_device(0.5)
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="COURSE_DEVICE must be a device such as"):
        get_device()
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="preferred asks for device 'cuda', which is not available here"):
            get_device("cuda")


def train_once(seed: int) -> tuple[list[float], torch.Tensor]:
    """Return the history and final weights of a short seeded training run."""
    seed_everything(seed)
    model = tiny_autoencoder()
    history = fit(model, InMemoryLoader(tiny_data(), batch_size=8, shuffle=True, seed=seed),
                  num_epochs=3, lr=1e-2, progress=False)
    return history["train_loss"], model[0].weight.detach().clone()


def test_seed_everything_makes_runs_repeat_bit_for_bit():
    losses_a, weights_a = train_once(0)
    losses_b, weights_b = train_once(0)
    assert losses_a == losses_b and torch.equal(weights_a, weights_b)
    assert train_once(1)[0] != losses_a
    with pytest.raises(TypeError, match="seed must be an integer >= 0 and <= 4294967295, got '0'"):
        seed_everything("0")
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        seed_everything(-1)
    seed_everything(np.int64(3))  # NumPy integers are integers


def test_fit_lowers_the_loss_and_returns_a_full_history():
    seed_everything(0)
    model = tiny_autoencoder()
    x = tiny_data()
    history = fit(model, InMemoryLoader(x, batch_size=16, shuffle=True), num_epochs=30, lr=3e-2,
                  test_loader=InMemoryLoader(x, batch_size=64), progress=False)
    assert set(history) == {"train_loss", "test_loss", "seconds"}
    assert all(len(values) == 30 for values in history.values())
    assert history["test_loss"][-1] < 0.5 * history["test_loss"][0]
    assert not model.training  # fit leaves the model ready for evaluation


def test_fit_with_input_transform_feeds_the_corrupted_input_and_targets_the_clean_one():
    seen = []

    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(1))

        def forward(self, x):
            seen.append(x.clone())
            return x * self.scale

    x = torch.full((4, 4), 0.5)
    history = fit(Recorder(), InMemoryLoader(x, batch_size=4), num_epochs=1, progress=False,
                  input_transform=lambda batch: batch * 0)
    assert torch.equal(seen[0], torch.zeros(4, 4))
    assert history["train_loss"][0] == pytest.approx(0.25)  # (0 - 0.5)^2: the target stayed clean


def test_fit_explains_a_loader_of_labels_and_bad_epochs():
    loader = InMemoryLoader(tiny_data(8), torch.arange(8), batch_size=4)
    with pytest.raises(TypeError, match="target is the image itself"):
        fit(tiny_autoencoder(), loader, num_epochs=1, progress=False)
    with pytest.raises(ValueError, match="num_epochs must be a positive integer, got 0"):
        fit(tiny_autoencoder(), InMemoryLoader(tiny_data(8), batch_size=4), num_epochs=0)
    with pytest.raises(TypeError, match=r"train_loader must yield tensors x or \(input, target\) pairs"):
        fit(tiny_autoencoder(), [("a", "b", "c")], num_epochs=1, progress=False)


def test_fit_stops_with_advice_when_the_loss_is_not_finite():
    loader = InMemoryLoader(tiny_data(8), batch_size=4)
    with pytest.raises(RuntimeError, match="lower lr"):
        fit(tiny_autoencoder(), loader, num_epochs=1, progress=False,
            loss_fn=lambda x, x_hat: (x_hat - x).sum() * float("nan"))


def test_evaluate_averages_over_samples_not_batches():
    model = tiny_autoencoder()
    x = tiny_data(10)
    expected = nn.functional.mse_loss(model(x), x).item()
    got = evaluate(model, InMemoryLoader(x, batch_size=4))  # batches of 4, 4, 2
    assert got == pytest.approx(expected, rel=1e-6)
    model.train()
    evaluate(model, InMemoryLoader(x, batch_size=4))
    assert model.training  # evaluate restores the mode it found
    with pytest.raises(ValueError, match="loader must yield at least one batch, got .* no batches"):
        evaluate(model, [])


def test_predict_matches_the_model_in_batches_without_gradients():
    model = tiny_autoencoder()
    x = tiny_data(10)
    x_hat = predict(model, x, batch_size=3)
    assert torch.allclose(x_hat, model(x)) and not x_hat.requires_grad
    assert predict(model.encoder, x).shape == (10, 2)
    with pytest.raises(TypeError, match="x must be a torch tensor"):
        predict(model, x.numpy())
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        predict(model, x, batch_size=0)


# --- one argument order: target first -----------------------------------------------------------------

def bce(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return the binary cross-entropy of reconstructions x_hat against targets x, as notebook 04 writes it."""
    return -(x * torch.log(x_hat) + (1 - x) * torch.log(1 - x_hat)).mean()


def history_with(loss_fn) -> dict[str, list[float]]:
    """Return the history of a short seeded run with loss_fn, evaluated on a test loader too."""
    seed_everything(0)
    x = tiny_data(32)
    return fit(tiny_autoencoder(), InMemoryLoader(x, batch_size=8, shuffle=True, seed=0), num_epochs=3, lr=1e-2,
               loss_fn=loss_fn, test_loader=InMemoryLoader(x, batch_size=16), progress=False)


def test_a_learners_loss_and_pytorchs_loss_object_train_the_same():
    mine, torchs = history_with(bce), history_with(nn.BCELoss())
    assert mine["train_loss"] == pytest.approx(torchs["train_loss"], rel=1e-5)
    assert mine["test_loss"] == pytest.approx(torchs["test_loss"], rel=1e-5)


def test_fit_and_evaluate_call_a_plain_function_target_first_and_a_loss_object_input_first():
    x = tiny_data(8)
    model = tiny_autoencoder()
    seen = []

    def recording_loss(first, second):
        seen.append((first, second))
        return (first - second).pow(2).mean()

    class RecordingLoss(nn.Module):
        def forward(self, first, second):
            seen.append((first, second))
            return (first - second).pow(2).mean()

    for loss_fn, target_position in ((recording_loss, 0), (RecordingLoss(), 1)):
        seen.clear()
        fit(model, InMemoryLoader(x, batch_size=8), num_epochs=1, loss_fn=loss_fn, progress=False)
        evaluate(model, InMemoryLoader(x, batch_size=8), loss_fn=loss_fn)
        assert len(seen) == 2 and all(torch.equal(pair[target_position], x) for pair in seen)
        assert all(pair[1 - target_position].shape == x.shape and not torch.equal(pair[1 - target_position], x)
                   for pair in seen)


def test_fit_and_evaluate_docstrings_state_the_order():
    for function in (fit, evaluate):
        assert "loss_fn(x, x_hat)" in function.__doc__ and "nn.Module" in function.__doc__


# --- every argument is checked ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"model": "model"}, TypeError, "model must be a torch.nn.Module, got 'model'"),
        ({"train_loader": []}, ValueError, r"train_loader must yield at least one batch, got \[\]"),
        ({"train_loader": torch.zeros(4, 4)}, TypeError, "train_loader must be a loader .*InMemoryLoader"),
        ({"train_loader": (b for b in [torch.zeros(4, 4)])}, TypeError, "train_loader must be a loader"),
        ({"test_loader": 5}, TypeError, "test_loader must be a loader"),
        ({"num_epochs": True}, TypeError, "num_epochs must be a positive integer, got True"),
        ({"num_epochs": 2.0}, TypeError, "num_epochs must be a positive integer, got 2.0"),
        ({"lr": 0}, ValueError, "lr must be a finite number > 0, got 0"),
        ({"lr": float("inf")}, ValueError, "lr must be a finite number > 0, got inf"),
        ({"lr": "0.1"}, TypeError, "lr must be a finite number > 0, got '0.1'"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be a torch.optim optimizer"),
        ({"loss_fn": "mse"}, TypeError, r"loss_fn must be a function loss_fn\(x, x_hat\)"),
        ({"loss_fn": lambda x, x_hat: 0.5}, TypeError, "loss_fn must return a one-element tensor.*got 0.5"),
        ({"loss_fn": lambda x, x_hat: (x - x_hat) ** 2}, TypeError, "loss_fn must return a one-element tensor"),
        ({"loss_fn": lambda x, x_hat: (x - x_hat.detach()).pow(2).mean()}, TypeError, "loss_fn's result is cut off"),
        ({"input_transform": 3}, TypeError, "input_transform must be a function"),
        ({"progress": "no"}, TypeError, "progress must be True or False, got 'no'"),
        ({"model": nn.Flatten()}, ValueError, "model must have trainable parameters"),
        ({"checkpoint": 3}, TypeError, r"checkpoint must be a path \(a str or pathlib.Path\), got 3"),
        ({"checkpoint": " "}, ValueError, "checkpoint must be a path, got an empty string"),
    ],
)
def test_fit_names_each_bad_argument(change, error, message):
    arguments = {"model": tiny_autoencoder(), "train_loader": InMemoryLoader(tiny_data(8), batch_size=4),
                 "num_epochs": 1, "progress": False, **change}
    with pytest.raises(error, match=message):
        fit(arguments.pop("model"), arguments.pop("train_loader"), **arguments)


def test_evaluate_and_predict_name_bad_arguments():
    model, x = tiny_autoencoder(), tiny_data(8)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        evaluate(None, InMemoryLoader(x, batch_size=4))
    with pytest.raises(TypeError, match="loader must be a loader"):
        evaluate(model, x)
    with pytest.raises(TypeError, match="loss_fn must be a function"):
        evaluate(model, InMemoryLoader(x, batch_size=4), loss_fn=1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        predict(lambda batch: batch, x)
    with pytest.raises(ValueError, match="x must hold finite values"):
        predict(model, torch.full((2, 4), float("nan")))
    with pytest.raises(ValueError, match="x must not be empty"):
        predict(model, torch.zeros(0, 4))
    with pytest.raises(TypeError, match="batch_size must be a positive integer, got True"):
        predict(model, x, batch_size=True)
    assert predict(model, x, batch_size=np.int64(3)).shape == (8, 4)


def test_vae_loss_reductions_and_zero_kl():
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(4, 1, 28, 28, generator=generator)
    x_hat = torch.rand(4, 1, 28, 28, generator=generator).clamp(0.01, 0.99)
    mu, logvar = torch.zeros(4, 3), torch.zeros(4, 3)
    loss, recon, kl = vae_loss(x, x_hat, mu, logvar, beta=5.0)
    assert kl.item() == 0.0 and torch.equal(loss, recon)  # q = N(0, I) is the prior
    by_hand = -(x * x_hat.log() + (1 - x) * (1 - x_hat).log()).sum() / 4  # sum over pixels, mean over images
    assert torch.isclose(recon, by_hand)
    mu = torch.randn(4, 3, generator=generator)
    logvar = torch.randn(4, 3, generator=generator)
    loss, recon, kl = vae_loss(x, x_hat, mu, logvar, beta=2.0)
    assert torch.isclose(loss, recon + 2.0 * kl) and kl > 0
    per_image = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)  # sum over the code dimensions
    assert torch.isclose(kl, per_image.mean())


def test_vae_loss_kl_matches_a_monte_carlo_estimate():
    generator = torch.Generator().manual_seed(1)
    mu, logvar = torch.randn(2, 3, generator=generator).double(), torch.randn(2, 3, generator=generator).double()
    x = torch.full((2, 4), 0.5, dtype=torch.float64)
    _, _, kl = vae_loss(x, x, mu, logvar)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    prior = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    z = q.sample((200_000,))  # (200000, 2, 3)
    estimate = (q.log_prob(z) - prior.log_prob(z)).sum(dim=-1).mean()  # E_q[log q - log p], then mean over images
    assert abs(kl.item() - estimate.item()) < 0.02 * max(1.0, kl.item())


def test_vae_loss_decreases_when_training_on_a_tiny_dataset():
    torch.manual_seed(0)
    x = tiny_data(64).repeat(1, 196).view(64, 1, 28, 28)  # (64, 1, 28, 28) in [0, 1]
    model = VAE(latent_dim=2, hidden_dims=(16,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(60):
        x_hat, mu, logvar = model(x)
        loss, _, _ = vae_loss(x, x_hat, mu, logvar)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.9 * losses[0]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"x": [0.5]}, TypeError, "x must be a torch tensor"),
        ({"x_hat": torch.rand(3, 5)}, ValueError, r"x and x_hat must have the same shape, got \(3, 4\) and \(3, 5\)"),
        ({"mu": torch.zeros(3)}, ValueError, "mu must have 2 dimensions"),
        ({"logvar": torch.zeros(3, 3)}, ValueError, "mu and logvar must have the same shape"),
        ({"mu": torch.zeros(2, 2), "logvar": torch.zeros(2, 2)}, ValueError, "mu must hold one row per image"),
        ({"beta": -1.0}, ValueError, "beta must be a finite number >= 0, got -1"),
        ({"beta": "1"}, TypeError, "beta must be a finite number"),
    ],
)
def test_vae_loss_names_each_bad_argument(change, error, message):
    arguments = {"x": torch.rand(3, 4), "x_hat": torch.rand(3, 4), "mu": torch.zeros(3, 2),
                 "logvar": torch.zeros(3, 2), "beta": 1.0, **change}
    with pytest.raises(error, match=message):
        vae_loss(arguments.pop("x"), arguments.pop("x_hat"), arguments.pop("mu"), arguments.pop("logvar"), **arguments)


def test_two_seeded_cpu_runs_of_fit_give_identical_histories_and_weights():
    from course_utils.corruption import gaussian_noise

    x = torch.rand(96, 1, 28, 28, generator=torch.Generator().manual_seed(3))

    def run() -> tuple[dict, dict]:
        seed_everything(7)
        model = MLPAutoencoder(latent_dim=4, hidden_dims=(16,))
        noise = torch.Generator().manual_seed(11)
        history = fit(model, InMemoryLoader(x[:64], batch_size=16, shuffle=True, seed=7), num_epochs=2,
                      test_loader=InMemoryLoader(x[64:], batch_size=16), progress=False,
                      input_transform=lambda batch: gaussian_noise(batch, 0.3, generator=noise))
        return history, model.state_dict()

    (history_a, weights_a), (history_b, weights_b) = run(), run()
    assert history_a["train_loss"] == history_b["train_loss"] and history_a["test_loss"] == history_b["test_loss"]
    assert all(torch.equal(weights_a[name], weights_b[name]) for name in weights_a)


# --- seed_everything's determinism settings -----------------------------------------------------------

@pytest.fixture
def restore_determinism(monkeypatch):
    """Put torch's determinism settings and CUBLAS_WORKSPACE_CONFIG back as they were after the test."""
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)  # monkeypatch restores the original afterwards
    saved = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
             torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
    yield
    torch.use_deterministic_algorithms(saved[0], warn_only=saved[1])
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = saved[2], saved[3]


def test_seed_everything_sets_what_pytorch_recommends_for_repeatable_cuda_runs(restore_determinism, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # the settings PyTorch recommends for CUDA
    torch.backends.cudnn.benchmark = True
    seed_everything(0)
    assert torch.are_deterministic_algorithms_enabled() and torch.is_deterministic_algorithms_warn_only_enabled()
    assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":16:8"
    seed_everything(0)
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":16:8"  # a learner's own choice is kept
    seed_everything(0, deterministic=False)
    assert not torch.are_deterministic_algorithms_enabled() and not torch.backends.cudnn.deterministic
    assert not torch.backends.cudnn.benchmark
    with pytest.raises(TypeError, match="deterministic must be True or False, got 1"):
        seed_everything(0, deterministic=1)


def test_without_cuda_seed_everything_leaves_the_slow_deterministic_switch_off(restore_determinism, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    torch.use_deterministic_algorithms(False)
    seed_everything(0)
    assert not torch.are_deterministic_algorithms_enabled() and torch.backends.cudnn.deterministic
    torch.use_deterministic_algorithms(True)  # a learner's strict setting
    seed_everything(0)
    assert torch.are_deterministic_algorithms_enabled() and not torch.is_deterministic_algorithms_warn_only_enabled()
    seed_everything(0, deterministic=False)  # switched back off where someone had switched it on
    assert not torch.are_deterministic_algorithms_enabled()


def test_a_checkpoint_from_a_run_with_other_settings_is_refused(tmp_path):
    path = tmp_path / "tiny.pt"
    checkpointed_run(2, path)
    before = path.read_bytes()
    seed_everything(0)
    model = tiny_autoencoder()
    x = tiny_data(48)
    fewer_images = InMemoryLoader(x[:24], batch_size=8, shuffle=True, seed=3)  # e.g. max_train_images changed
    same_images = InMemoryLoader(x, batch_size=8, shuffle=True, seed=3)
    for loader, lr, message in ((fewer_images, 1e-2, "batches_per_epoch 6 -> 3"),
                                (same_images, 1e-3, r"lr \[0.01\] -> \[0.001\]")):
        with pytest.raises(CheckpointError, match=f"{path.name} was saved by a run with other settings .*{message}"):
            fit(model, loader, num_epochs=4, lr=lr, test_loader=InMemoryLoader(x[:16], batch_size=8),
                input_transform=noisy, progress=False, checkpoint=path)
    assert path.read_bytes() == before


def test_seeded_cpu_runs_repeat_with_deterministic_algorithms_on_and_off(restore_determinism):
    for deterministic in (True, False):
        runs = []
        for _ in range(2):
            torch.use_deterministic_algorithms(deterministic, warn_only=True)  # without CUDA, seed_everything keeps it
            seed_everything(5, deterministic=deterministic)
            assert torch.are_deterministic_algorithms_enabled() == deterministic
            model = MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
            x = torch.rand(32, 1, 28, 28, generator=torch.Generator().manual_seed(0))
            history = fit(model, InMemoryLoader(x, batch_size=8, shuffle=True), num_epochs=2, progress=False)
            runs.append((history["train_loss"], model.state_dict()))
        assert runs[0][0] == runs[1][0]
        assert all(torch.equal(runs[0][1][name], runs[1][1][name]) for name in runs[0][1])


# --- checkpoints: save every epoch, resume with the same result ----------------------------------------

def noisy(batch: torch.Tensor) -> torch.Tensor:
    """Return batch plus Gaussian noise from torch's global generator (what a resumed run must restore)."""
    return batch + 0.1 * torch.randn_like(batch)


def checkpointed_run(num_epochs: int, checkpoint: Path | None, **kwargs) -> tuple[dict, dict]:
    """Return the history and weights of a seeded, shuffled, noisy run of fit, with a checkpoint if given."""
    seed_everything(0)
    model = tiny_autoencoder()
    x = tiny_data(48)
    history = fit(model, InMemoryLoader(x, batch_size=8, shuffle=True, seed=3), num_epochs=num_epochs, lr=1e-2,
                  test_loader=InMemoryLoader(x[:16], batch_size=8), input_transform=noisy, progress=False,
                  checkpoint=checkpoint, **kwargs)
    return history, model.state_dict()


def assert_same_run(first: tuple[dict, dict], second: tuple[dict, dict]) -> None:
    """Assert two runs have equal histories (wall-clock seconds aside) and bit-identical weights."""
    (history_a, weights_a), (history_b, weights_b) = first, second
    assert set(history_a) == set(history_b)
    assert all(history_a[name] == history_b[name] for name in history_a if name != "seconds")
    assert len(history_a["seconds"]) == len(history_b["seconds"])
    assert weights_a.keys() == weights_b.keys()
    assert all(torch.equal(weights_a[name], weights_b[name]) for name in weights_a)


def test_fit_resumed_from_a_checkpoint_ends_like_an_unbroken_run(tmp_path, capsys):
    path = tmp_path / "runs" / "tiny.pt"  # the folder is created
    unbroken = checkpointed_run(5, None)
    first_part = checkpointed_run(3, path)
    assert path.exists() and not list(path.parent.glob("*.part"))
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint["epoch"] == 3 and checkpoint["format"] == "course_utils.fit checkpoint 1"
    assert checkpoint["history"]["train_loss"] == first_part[0]["train_loss"]
    capsys.readouterr()
    resumed = checkpointed_run(5, path)  # a fresh model, optimizer and loader: all state comes from the file
    assert capsys.readouterr().out == f"Resuming from {path}: epoch 3 of 5 done.\n"
    assert_same_run(resumed, unbroken)
    again = checkpointed_run(5, path)  # all 5 epochs are in the file: nothing to train
    assert capsys.readouterr().out == f"Training is already done: {path} holds all 5 epochs.\n"
    assert_same_run(again, unbroken)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"num_epochs is 4, but the checkpoint .*{path.name} already holds 5 epochs"):
        checkpointed_run(4, path)
    assert path.read_bytes() == before


def test_fit_resumes_with_a_given_optimizer_and_refuses_a_different_one(tmp_path):
    path = tmp_path / "sgd.pt"

    def run(num_epochs: int, optimizer_class: type) -> tuple[dict, dict]:
        seed_everything(1)
        model = tiny_autoencoder()
        optimizer = optimizer_class(model.parameters(), lr=0.1, momentum=0.9)
        history = fit(model, InMemoryLoader(tiny_data(16), batch_size=4, shuffle=True), num_epochs=num_epochs,
                      optimizer=optimizer, progress=False, checkpoint=path)
        return history, model.state_dict()

    run(2, torch.optim.SGD)
    resumed = run(4, torch.optim.SGD)
    path.unlink()
    assert_same_run(resumed, run(4, torch.optim.SGD))
    with pytest.raises(CheckpointError, match="sgd.pt was saved with the optimizer SGD, but fit now uses RMSprop"):
        run(5, torch.optim.RMSprop)


class Opaque:
    """A Python object that weights_only loading refuses (unpickling arbitrary classes can run code)."""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda good: random.Random(0).randbytes(500),  # fixed bytes: other random bytes fail in other ways
         "tiny.pt is corrupt: it was not written by torch.save, or it was cut short"),
        (lambda good: good[: len(good) // 2], r"tiny.pt is corrupt \("),  # the reason depends on torch's version
        (lambda good: b"", r"tiny.pt is corrupt \(EOFError"),
        ("state_dict", r"tiny.pt is not a checkpoint saved by fit: it holds a dict with keys '0.weight'.*"
                       "fit will not overwrite it"),
        ("opaque", "tiny.pt is not a checkpoint saved by fit: it holds Python objects other than tensors"),
        ("other_model", r"tiny.pt belongs to a different model: its weights differ in 0.weight, 0.bias"),
        ("no_test_loader", "tiny.pt was saved without a test_loader"),
    ],
)
def test_a_corrupt_foreign_or_mismatched_checkpoint_is_refused_and_left_alone(tmp_path, content, message):
    path = tmp_path / "tiny.pt"
    if content == "state_dict":
        torch.save(tiny_autoencoder().state_dict(), path)  # what notebook 05 saves: weights only
    elif content == "opaque":
        torch.save({"format": "course_utils.fit checkpoint 1", "model": Opaque()}, path)
    elif content in ("other_model", "no_test_loader"):
        seed_everything(0)
        model = tiny_autoencoder()
        if content == "other_model":  # the same layers, but a 3-number code
            model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 4), nn.Sigmoid())
            model.encoder, model.decoder = model[0], model[1:]
        fit(model, InMemoryLoader(tiny_data(8), batch_size=4), num_epochs=1, progress=False, checkpoint=path)
    else:
        checkpointed_run(1, path)
        path.write_bytes(content(path.read_bytes()))
    before = path.read_bytes()
    model = tiny_autoencoder()
    weights = {name: value.clone() for name, value in model.state_dict().items()}
    with pytest.raises(CheckpointError, match=message) as caught:
        fit(model, InMemoryLoader(tiny_data(48), batch_size=8), num_epochs=2, test_loader=InMemoryLoader(
            tiny_data(16), batch_size=8), progress=False, checkpoint=path)
    assert str(path) in str(caught.value)  # the whole path, so the learner knows which file to delete
    assert path.read_bytes() == before and not list(tmp_path.glob("*.part"))
    assert all(torch.equal(weights[name], value) for name, value in model.state_dict().items())


def test_a_failed_save_leaves_the_previous_checkpoint_and_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / "tiny.pt"
    real_save = torch.save
    saves = []

    def disk_fills_up_on_the_second_save(state, file):
        saves.append(path.read_bytes() if path.exists() else None)
        if len(saves) == 1:
            return real_save(state, file)
        file.write(b"PK\x03\x04 half a checkpoint")  # some bytes reach the disk before it is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(training.torch, "save", disk_fills_up_on_the_second_save)
    with pytest.raises(OSError, match=f"Could not save the checkpoint {re.escape(str(path))}: .*No space left on "
                                      "device.*No partial file was left and the previous checkpoint in .*tiny.pt "
                                      "is unchanged") as caught:
        checkpointed_run(3, path)
    assert caught.value.errno == errno.ENOSPC
    assert len(saves) == 2 and path.read_bytes() == saves[1]  # still epoch 1's checkpoint, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.pt"]
    assert torch.load(path, weights_only=True)["epoch"] == 1

    def interrupted(state, file):
        file.write(b"PK")
        raise KeyboardInterrupt

    monkeypatch.setattr(training.torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C while saving still stops training, and cleans up
        checkpointed_run(3, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.pt"] and path.read_bytes() == saves[1]


KILLABLE_SCRIPT = '''
"""Train a tiny autoencoder with checkpoints; the test kills this process mid-run, then runs it again."""
import json
import sys
import time

import torch
from torch import nn

from course_utils.data import InMemoryLoader
from course_utils.training import fit, seed_everything


def run(checkpoint, pause=0.0):
    """Return the model and history of 30 seeded epochs; pause (seconds per batch) makes the run slow to kill."""
    seed_everything(0)
    model = nn.Sequential(nn.Linear(16, 4), nn.ReLU(), nn.Linear(4, 16))
    x = torch.rand(64, 16, generator=torch.Generator().manual_seed(1))

    def noisy(batch):
        time.sleep(pause)  # waiting, not computing: it changes no number
        return batch + 0.1 * torch.randn_like(batch)  # torch's global generator

    history = fit(model, InMemoryLoader(x, batch_size=16, shuffle=True, seed=2), num_epochs=30, lr=1e-2,
                  input_transform=noisy, progress=False, checkpoint=checkpoint)
    return model, history


if __name__ == "__main__":
    checkpoint, pause, weights_file, history_file = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
    if "--wait" in sys.argv:
        seed_everything(0)  # its first call imports more of torch (a second or two): do that before waiting
        sys.stdin.readline()  # ready: start when the test says so
    model, history = run(checkpoint, pause)
    torch.save(model.state_dict(), weights_file)
    with open(history_file, "w") as file:
        json.dump(history, file)
'''


def test_a_killed_training_run_resumes_from_its_checkpoint_to_the_unbroken_result(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(KILLABLE_SCRIPT)
    folder = tmp_path / "runs"
    path, weights_file, history_file = folder / "run.pt", tmp_path / "weights.pt", tmp_path / "history.json"
    # The same thread count here and in the children: the reference run below is computed in this process.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": str(torch.get_num_threads())}
    command = [sys.executable, str(script), str(path)]
    outputs = [str(weights_file), str(history_file)]
    # 30 epochs of 4 batches at 0.03 s each: over 3.6 s of training, while the kill comes after epoch 2.
    first = subprocess.Popen([*command, "0.03", *outputs], env=env, cwd=tmp_path, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # The rerun starts now too, so that its imports (seconds) overlap the first run; it waits for a line on stdin.
    rerun = subprocess.Popen([*command, "0", *outputs, "--wait"], env=env, cwd=tmp_path, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while first.poll() is None and time.monotonic() < deadline:
            # fit replaces the file atomically, so whenever it exists it is a whole checkpoint
            if path.exists() and torch.load(path, weights_only=True)["epoch"] >= 2:
                os.kill(first.pid, signal.SIGKILL)  # a real kill: no Python code runs after it
                break
            time.sleep(0.02)
        output = first.communicate(timeout=60)[0]
        assert first.returncode == -signal.SIGKILL, f"the first run was not killed mid-way:\n{output}"
        assert not weights_file.exists()
        done = torch.load(path, weights_only=True)["epoch"]
        assert 2 <= done < 30

        output = rerun.communicate("go\n", timeout=120)[0]
        assert rerun.returncode == 0, output
        assert f"Resuming from {path}: epoch {done} of 30 done." in output
        assert [p.name for p in folder.iterdir()] == ["run.pt"]  # no temporary file left behind
    finally:
        for process in (first, rerun):  # after a failure: stop them rather than leave them running
            if process.poll() is None:
                process.kill()
                process.wait()

    model, unbroken = runpy.run_path(str(script))["run"](None)  # the same code, never interrupted, no checkpoint
    history = json.loads(history_file.read_text())
    assert_same_run((history, torch.load(weights_file, weights_only=True)), (unbroken, model.state_dict()))
