"""Tests for course_utils.training: device choice, seeding, fit, evaluate, predict."""

import numpy as np
import pytest
import torch
from torch import nn

from course_utils.data import InMemoryLoader
from course_utils.models import VAE, MLPAutoencoder
from course_utils.training import evaluate, fit, get_device, predict, seed_everything, vae_loss


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
