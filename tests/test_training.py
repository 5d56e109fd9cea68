"""Tests for course_utils.training: device choice, seeding, fit, evaluate, predict."""

import pytest
import torch
from torch import nn

from course_utils.data import InMemoryLoader
from course_utils.training import evaluate, fit, get_device, predict, seed_everything


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
    with pytest.raises(ValueError, match="Unknown device 'gpu'"):
        get_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="not available here"):
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
    with pytest.raises(TypeError, match="seed must be an int"):
        seed_everything("0")


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
    with pytest.raises(ValueError, match="num_epochs must be a positive integer"):
        fit(tiny_autoencoder(), InMemoryLoader(tiny_data(8), batch_size=4), num_epochs=0)


def test_fit_stops_with_advice_when_the_loss_is_not_finite():
    loader = InMemoryLoader(tiny_data(8), batch_size=4)
    with pytest.raises(RuntimeError, match="lower lr"):
        fit(tiny_autoencoder(), loader, num_epochs=1, progress=False,
            loss_fn=lambda x_hat, x: (x_hat - x).sum() * float("nan"))


def test_evaluate_averages_over_samples_not_batches():
    model = tiny_autoencoder()
    x = tiny_data(10)
    expected = nn.functional.mse_loss(model(x), x).item()
    got = evaluate(model, InMemoryLoader(x, batch_size=4))  # batches of 4, 4, 2
    assert got == pytest.approx(expected, rel=1e-6)
    model.train()
    evaluate(model, InMemoryLoader(x, batch_size=4))
    assert model.training  # evaluate restores the mode it found
    with pytest.raises(ValueError, match="no batches"):
        evaluate(model, [])


def test_predict_matches_the_model_in_batches_without_gradients():
    model = tiny_autoencoder()
    x = tiny_data(10)
    x_hat = predict(model, x, batch_size=3)
    assert torch.allclose(x_hat, model(x)) and not x_hat.requires_grad
    assert predict(model.encoder, x).shape == (10, 2)
    with pytest.raises(TypeError, match="torch tensor"):
        predict(model, x.numpy())
