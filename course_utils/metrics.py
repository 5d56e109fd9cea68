"""How good is a reconstruction? Per-image and average errors, PSNR and SSIM.

Every function takes the target first, (x, x_hat): x must hold pixels in [0, 1], x_hat may leave that
range (e.g. PCA's unclipped reconstructions) but must be finite and of x's shape (N, ...).
"""

from __future__ import annotations

import torch

from course_utils._validation import check_grey_images, check_reconstruction_pair


def mse_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's mean squared error over its pixels, shape (N,)."""
    x, x_hat = check_reconstruction_pair(x, x_hat)
    return _squared_error_per_image(x, x_hat).to(torch.promote_types(x.dtype, x_hat.dtype))


def _squared_error_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's mean squared error in float64 (tiny errors stay above zero), shape (N,)."""
    return (x.detach().cpu().double() - x_hat.detach().cpu().double()).pow(2).flatten(1).mean(dim=1)


def reconstruction_error(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the mean squared error over all pixels of all images (the course's headline metric)."""
    return mse_per_image(x, x_hat).mean().item()


def psnr_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's peak signal-to-noise ratio in dB for data range 1.0, shape (N,); inf where x_hat == x."""
    x, x_hat = check_reconstruction_pair(x, x_hat)
    mse = _squared_error_per_image(x, x_hat)  # (N,), float64
    return (10.0 * torch.log10(1.0 / mse)).float()  # 1.0 = the data range squared; mse 0 gives inf


def psnr(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the PSNR in dB (data range 1.0) averaged over images."""
    return psnr_per_image(x, x_hat).mean().item()


def ssim_per_image(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return each image's structural similarity (scikit-image, data range 1.0, 7x7 window), shape (N,)."""
    from skimage.metrics import structural_similarity

    x, x_hat = check_reconstruction_pair(x, x_hat)
    check_grey_images(x, "x", min_size=7)  # the 7x7 window must fit
    reference = x.detach().cpu().double().reshape(len(x), *x.shape[-2:]).numpy()
    estimate = x_hat.detach().cpu().double().reshape(len(x), *x.shape[-2:]).numpy()
    values = [structural_similarity(a, b, data_range=1.0) for a, b in zip(reference, estimate)]
    return torch.tensor(values, dtype=torch.float32)


def ssim(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the structural similarity (scikit-image, data range 1.0) averaged over images."""
    return ssim_per_image(x, x_hat).mean().item()
