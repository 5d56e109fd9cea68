"""Tests for course_utils.metrics: MSE, PSNR and SSIM give the right values and explain bad input."""

import math

import pytest
import torch

from course_utils.metrics import mse_per_image, psnr, psnr_per_image, reconstruction_error, ssim, ssim_per_image

X = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def test_mse_values():
    x = torch.zeros(2, 1, 2, 2)
    x_hat = torch.tensor([[[[0.5, 0.5], [0.5, 0.5]]], [[[1.0, 0.0], [0.0, 0.0]]]])
    assert torch.allclose(mse_per_image(x, x_hat), torch.tensor([0.25, 0.25]))
    assert reconstruction_error(x, x_hat) == pytest.approx(0.25)
    assert reconstruction_error(X, X) == 0


def test_psnr_values():
    x = torch.zeros(2, 1, 28, 28)
    x_hat = torch.cat([torch.full((1, 1, 28, 28), 0.1), torch.full((1, 1, 28, 28), 0.01)])  # MSE 1e-2 and 1e-4
    assert torch.allclose(psnr_per_image(x, x_hat), torch.tensor([20.0, 40.0]), atol=1e-4)
    assert psnr(x, x_hat) == pytest.approx(30.0, abs=1e-4)  # the mean of per-image PSNRs
    assert math.isinf(psnr(X, X))
    noisy = (X + 0.05 * torch.randn(X.shape, generator=torch.Generator().manual_seed(1))).clamp(0, 1)
    assert psnr(X, noisy) > psnr(X, (X + 0.2).clamp(0, 1))


def test_ssim_values():
    assert ssim(X, X) == pytest.approx(1.0)
    assert ssim_per_image(X, X.clone()).shape == (4,)
    blurred = (X + X.roll(1, dims=-1)) / 2
    assert 0 < ssim(X, blurred) < 1
    assert ssim(X[:, 0], X[:, 0]) == pytest.approx(1.0)  # (N, H, W) works too


METRICS = [mse_per_image, reconstruction_error, psnr, psnr_per_image, ssim, ssim_per_image]


@pytest.mark.parametrize("metric", METRICS)
def test_bad_input_is_explained(metric):
    with pytest.raises(TypeError, match="x must be a torch tensor, got an array"):
        metric(X.numpy(), X)
    with pytest.raises(TypeError, match="x_hat must be a torch tensor"):
        metric(X, X.tolist())
    with pytest.raises(TypeError, match="x must hold floats, got .*torch.uint8"):
        metric((X * 255).to(torch.uint8), X)
    with pytest.raises(ValueError, match=r"x and x_hat must have the same shape, got \(4, 1, 28, 28\) and \(2,"):
        metric(X, X[:2])
    with pytest.raises(ValueError, match=r"x must be a batch of shape \(N, ...\)"):
        metric(X[0, 0, 0], X[0, 0, 0])


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_needs_unit_range_targets_and_finite_estimates(metric):
    with pytest.raises(ValueError, match=r"x must hold values in \[0, 1\], got values from .* to 255 .*divide by 255"):
        metric(X * 255, X)
    with pytest.raises(ValueError, match="x must hold finite values, got NaN"):
        metric(torch.full_like(X, float("nan")), X)
    with pytest.raises(ValueError, match="x_hat must hold finite values, got NaN"):
        metric(X, torch.full_like(X, float("nan")))
    with pytest.raises(ValueError, match="x_hat must hold finite values"):
        metric(X, torch.full_like(X, float("inf")))
    with pytest.raises(ValueError, match="x must not be empty"):
        metric(torch.zeros(0, 1, 28, 28), torch.zeros(0, 1, 28, 28))


def test_estimates_may_leave_the_unit_range():
    x_hat = X * 1.2 - 0.1  # like PCA's unclipped reconstructions
    assert reconstruction_error(X, x_hat) > 0 and math.isfinite(psnr(X, x_hat)) and ssim(X, x_hat) < 1


def test_ssim_needs_grey_images():
    with pytest.raises(ValueError, match=r"x must be grey images of shape \(N, 1, H, W\) or \(N, H, W\)"):
        ssim(torch.rand(2, 3, 28, 28), torch.rand(2, 3, 28, 28))
    with pytest.raises(ValueError, match="x must be grey images .* with H, W >= 7"):
        ssim(torch.rand(2, 1, 5, 5), torch.rand(2, 1, 5, 5))
