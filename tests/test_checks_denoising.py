"""Tests for course_utils.checks.denoising (notebook 08)."""

import math

import pytest
import torch

from course_utils.checks import ExerciseError, check_denoiser, check_psnr_formula


def test_check_psnr_formula_passes_right_and_names_mistakes(capsys):
    check_psnr_formula(lambda sigma: -20 * math.log10(sigma))
    check_psnr_formula(lambda sigma: torch.tensor(-20 * math.log10(sigma)))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="MSE is sigma"):
        check_psnr_formula(lambda sigma: -10 * math.log10(sigma))
    with pytest.raises(ExerciseError, match="sign is flipped"):
        check_psnr_formula(lambda sigma: 20 * math.log10(sigma))
    with pytest.raises(ExerciseError, match="log10, not the natural"):
        check_psnr_formula(lambda sigma: -20 * math.log(sigma))
    with pytest.raises(ExerciseError, match="one number"):
        check_psnr_formula(lambda sigma: [sigma])
    with pytest.raises(ExerciseError, match=r"PSNR = 10\*log10\(1\*\*2 / MSE\)"):
        check_psnr_formula(lambda sigma: 1.0)


def _images():
    generator = torch.Generator().manual_seed(0)
    x_clean = torch.zeros(20, 1, 28, 28)
    return x_clean, (x_clean + 0.3 * torch.rand(x_clean.shape, generator=generator)).clamp(0, 1)


def test_check_denoiser():
    x_clean, x_noisy = _images()
    check_denoiser(lambda x: x * 0, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="gains 0.00 dB"):
        check_denoiser(lambda x: x, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="shape"):
        check_denoiser(lambda x: x[:, 0], x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="clamp"):
        check_denoiser(lambda x: x - 1, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_denoiser(lambda x: x.numpy(), x_clean, x_noisy, min_gain_db=3.0)


def test_check_denoiser_is_not_fooled_by_changing_the_noisy_images_in_place():
    x_clean, x_noisy = _images()
    with pytest.raises(ExerciseError, match="gains 0.00 dB"):
        check_denoiser(lambda x: x.mul_(0.0).add_(x_noisy), x_clean, x_noisy, min_gain_db=3.0)
    assert x_noisy.max() > 0  # the caller's images are untouched


def test_check_denoiser_validates_the_course_images():
    x_clean, x_noisy = _images()
    with pytest.raises(ValueError, match="x_clean and x_noisy must have the same shape"):
        check_denoiser(lambda x: x, x_clean[:10], x_noisy, min_gain_db=3.0)
    with pytest.raises(ValueError, match="x_noisy must hold"):
        check_denoiser(lambda x: x, x_clean, x_noisy * 255, min_gain_db=3.0)
