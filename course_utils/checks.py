"""Self-checks for the exercises: each passes quietly with a short confirmation, or says what to fix."""

from __future__ import annotations

import torch
from torch import nn


class ExerciseError(AssertionError):
    """An exercise's answer is not right yet; the message says what to look at."""


def _passed(message: str) -> None:
    """Print the confirmation that a check passed; returns None."""
    print(f"Correct: {message}")


def check_shape(value: torch.Tensor, expected: tuple[int, ...], *, name: str = "the tensor") -> None:
    """Check that value is a tensor of the expected shape; returns None or raises ExerciseError."""
    if not isinstance(value, torch.Tensor):
        raise ExerciseError(f"{name} should be a torch tensor, but it is a {type(value).__name__}.")
    if tuple(value.shape) != tuple(expected):
        raise ExerciseError(f"{name} has shape {tuple(value.shape)}, expected {tuple(expected)}. "
                            "Print the shape after each step to see where it changes.")
    _passed(f"{name} has shape {tuple(expected)}.")


def check_close(value: float | torch.Tensor, expected: float | torch.Tensor, *, name: str = "your answer",
                atol: float = 1e-6, hint: str = "") -> None:
    """Check that value matches expected within atol; returns None or raises ExerciseError."""
    value_t, expected_t = torch.as_tensor(value, dtype=torch.float64), torch.as_tensor(expected, dtype=torch.float64)
    if value_t.shape != expected_t.shape:
        raise ExerciseError(f"{name} has shape {tuple(value_t.shape)}, expected {tuple(expected_t.shape)}. {hint}")
    if not torch.allclose(value_t, expected_t, atol=atol, rtol=0):
        gap = (value_t - expected_t).abs().max().item()
        raise ExerciseError(f"{name} is off by up to {gap:.3g} (tolerance {atol:g}). {hint}".strip())
    _passed(f"{name} matches.")


def check_autoencoder(model: nn.Module, *, latent_dim: int) -> None:
    """Check that model has encoder and decoder parts mapping (N, 1, 28, 28) -> (N, latent_dim) -> back; returns None."""
    for part in ("encoder", "decoder"):
        if not isinstance(getattr(model, part, None), nn.Module):
            raise ExerciseError(f"The model needs an attribute `{part}` that is an nn.Module "
                                f"(set self.{part} = nn.Sequential(...) in __init__).")
    x = torch.rand(5, 1, 28, 28)  # (5, 1, 28, 28)
    with torch.no_grad():
        z = model.encoder(x)
        if tuple(z.shape) != (5, latent_dim):
            raise ExerciseError(f"The encoder maps (5, 1, 28, 28) to {tuple(z.shape)}, expected (5, {latent_dim}). "
                                "Did you flatten the image first and end with nn.Linear(..., latent_dim)?")
        x_hat = model.decoder(z)
    if tuple(x_hat.shape) != (5, 1, 28, 28):
        raise ExerciseError(f"The decoder returns shape {tuple(x_hat.shape)}, expected (5, 1, 28, 28). "
                            "End it with nn.Unflatten(1, (1, 28, 28)).")
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError("The decoder's outputs leave [0, 1]; pixels live there, so end with nn.Sigmoid().")
    _passed(f"encoder (N, 1, 28, 28) -> (N, {latent_dim}), decoder back to (N, 1, 28, 28) in [0, 1].")
