"""Checks for notebook 08, denoising: the PSNR of Gaussian noise, and a denoiser's gain in PSNR."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from course_utils._validation import check_images, check_number, check_same_shape
from course_utils.checks._core import (
    ExerciseError,
    answer_number,
    answer_tensor,
    call_student,
    confirm,
    matches,
    skips_unsolved,
)
from course_utils.metrics import psnr


@skips_unsolved
def check_psnr_formula(psnr_of_noise: Callable[[float], float]) -> None:
    """Check a function sigma -> PSNR in dB of unclipped Gaussian noise of std sigma (data range 1); returns None."""
    for sigma in (0.05, 0.2, 0.5):
        expected = -20.0 * math.log10(sigma)
        value = answer_number(call_student(psnr_of_noise, sigma, what=f"psnr_of_noise({sigma})"),
                              f"psnr_of_noise({sigma})")
        if not matches(value, expected, atol=1e-3):
            mistakes = ((-10.0 * math.log10(sigma), "You used 10*log10(sigma): the MSE is sigma**2, not sigma."),
                        (20.0 * math.log10(sigma), "The sign is flipped: PSNR = 10*log10(1 / MSE)."),
                        (-20.0 * math.log(sigma), "Use log10, not the natural log."))
            hint = next((advice for wrong, advice in mistakes if matches(value, wrong, atol=1e-3)),
                        "The noise's MSE is sigma**2 on average; PSNR = 10*log10(1**2 / MSE).")
            raise ExerciseError(f"For sigma = {sigma} you return {value:.3f} dB, expected {expected:.3f} dB. {hint}")
    confirm("PSNR of unclipped noise = -20 log10(sigma) dB (20 dB at sigma = 0.1).")


@skips_unsolved
def check_denoiser(denoise: Callable[[torch.Tensor], torch.Tensor], x_clean: torch.Tensor, x_noisy: torch.Tensor,
                   *, min_gain_db: float) -> None:
    """Check that denoise(x_noisy) keeps the shape, stays in [0, 1] and gains min_gain_db of PSNR; returns None."""
    x_clean, x_noisy = check_images(x_clean, "x_clean"), check_images(x_noisy, "x_noisy")
    check_same_shape(x_clean, x_noisy, ("x_clean", "x_noisy"))
    min_gain_db = check_number(min_gain_db, "min_gain_db")
    psnr_noisy = psnr(x_clean, x_noisy)  # before the call, in case the denoiser changes x_noisy in place
    x_hat = call_student(denoise, x_noisy.clone(), what="your denoiser",
                         hint=f"It was given noisy images of shape {tuple(x_noisy.shape)}.")
    if not isinstance(x_hat, torch.Tensor):
        raise ExerciseError(f"The denoiser should return a torch tensor, got {type(x_hat).__name__}; "
                            "wrap NumPy results with torch.from_numpy(...).")
    if x_hat.shape != x_noisy.shape:
        raise ExerciseError(f"The denoiser returns shape {tuple(x_hat.shape)}, expected {tuple(x_noisy.shape)}. "
                            "Filter over the two image axes only, e.g. size=(1, 1, k, k).")
    x_hat = answer_tensor(x_hat, "the denoiser's output")
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError("The denoised pixels leave [0, 1]; clamp them with .clamp(0, 1).")
    gain = psnr(x_clean.detach().cpu(), x_hat.float()) - psnr_noisy
    if gain < min_gain_db:
        raise ExerciseError(f"The denoiser gains {gain:.2f} dB of PSNR over the noisy input; it should gain at least "
                            f"{min_gain_db:.1f} dB. Pick its setting on training images by PSNR, not by eye.")
    confirm(f"the denoiser gains {gain:.2f} dB of PSNR (needed {min_gain_db:.1f} dB).")
