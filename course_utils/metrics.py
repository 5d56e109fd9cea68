"""How good is a reconstruction? Per-image and average errors, PSNR and SSIM."""

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


def _check_reference(x: torch.Tensor, x_hat: torch.Tensor) -> None:
    """Raise a helpful error unless x is a valid [0, 1] image batch and x_hat a finite one of the same shape."""
    _check_pair(x, x_hat)
    if x.numel() == 0:
        raise ValueError("The batch is empty: there are no images to compare.")
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"x must hold pixels in [0, 1] (data range 1.0), got {x.min().item():.3g}.."
                         f"{x.max().item():.3g}; divide 0-255 images by 255.")
    if not torch.isfinite(x_hat).all():
        raise ValueError("x_hat holds NaN or infinite values; check the model's output.")


def psnr_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's peak signal-to-noise ratio in dB for data range 1.0, shape (N,); inf where x_hat == x."""
    _check_reference(x, x_hat)
    mse = mse_per_image(x.double(), x_hat.double())  # double: tiny errors still give a finite PSNR
    return (10.0 * torch.log10(1.0 / mse)).float()  # 1.0 = the data range squared; mse 0 gives inf


def psnr(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the PSNR in dB (data range 1.0) averaged over images."""
    return psnr_per_image(x, x_hat).mean().item()


def ssim_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's structural similarity (scikit-image, data range 1.0, 7x7 window), shape (N,)."""
    from skimage.metrics import structural_similarity

    _check_reference(x, x_hat)
    if x.ndim not in (3, 4) or (x.ndim == 4 and x.shape[1] != 1) or min(x.shape[-2:]) < 7:
        raise ValueError(f"SSIM needs grey images of shape (N, 1, H, W) or (N, H, W) with H, W >= 7, "
                         f"got {tuple(x.shape)}.")
    reference = x.detach().cpu().double().reshape(len(x), *x.shape[-2:]).numpy()
    estimate = x_hat.detach().cpu().double().reshape(len(x), *x.shape[-2:]).numpy()
    values = [structural_similarity(a, b, data_range=1.0) for a, b in zip(reference, estimate)]
    return torch.tensor(values, dtype=torch.float32)


def ssim(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the structural similarity (scikit-image, data range 1.0) averaged over images."""
    return ssim_per_image(x, x_hat).mean().item()
