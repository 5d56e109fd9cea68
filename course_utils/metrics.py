"""How good is a reconstruction? Per-image and average errors."""

from __future__ import annotations

import torch


def _check_pair(x: torch.Tensor, x_hat: torch.Tensor) -> None:
    """Raise a helpful error unless x and x_hat are float tensors of one shape."""
    for name, value in (("x", x), ("x_hat", x_hat)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}.")
        if not value.is_floating_point():
            raise TypeError(f"{name} must hold floats in [0, 1], got dtype {value.dtype}; use .float() / 255.")
    if x.shape != x_hat.shape:
        raise ValueError(f"x has shape {tuple(x.shape)} but x_hat has {tuple(x_hat.shape)}; they must match.")
    if x.ndim < 2:
        raise ValueError(f"Expected a batch of shape (N, ...), got shape {tuple(x.shape)}.")


def mse_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's mean squared error over its pixels, shape (N,)."""
    _check_pair(x, x_hat)
    return (x.detach().cpu() - x_hat.detach().cpu()).pow(2).flatten(1).mean(dim=1)


def reconstruction_error(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the mean squared error over all pixels of all images (the course's headline metric)."""
    return mse_per_image(x, x_hat).mean().item()
