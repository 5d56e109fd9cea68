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


@pytest.mark.parametrize("metric", [mse_per_image, reconstruction_error, psnr, psnr_per_image, ssim])
def test_bad_input_is_explained(metric):
    with pytest.raises(TypeError, match="torch tensor"):
        metric(X.numpy(), X)
    with pytest.raises(TypeError, match="floats"):
        metric((X * 255).to(torch.uint8), X)
    with pytest.raises(ValueError, match="shape"):
        metric(X, X[:2])
    with pytest.raises(ValueError, match=r"\(N, ...\)"):
        metric(X[0, 0, 0], X[0, 0, 0])


@pytest.mark.parametrize("metric", [psnr, ssim])
def test_psnr_and_ssim_need_unit_range_and_finite_estimates(metric):
    with pytest.raises(ValueError, match="divide 0-255"):
        metric(X * 255, X * 255)
    with pytest.raises(ValueError, match="NaN"):
        metric(X, torch.full_like(X, float("nan")))
    with pytest.raises(ValueError, match="empty"):
        metric(torch.zeros(0, 1, 28, 28), torch.zeros(0, 1, 28, 28))


def test_ssim_needs_grey_images():
    with pytest.raises(ValueError, match="grey images"):
        ssim(torch.rand(2, 3, 28, 28), torch.rand(2, 3, 28, 28))
    with pytest.raises(ValueError, match="grey images"):
        ssim(torch.rand(2, 1, 5, 5), torch.rand(2, 1, 5, 5))
