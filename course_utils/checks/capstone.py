"""Checks for notebook 13, the capstone: the paper's error unit, the deep autoencoder's size, PCA's error spectrum."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from course_utils._validation import check_images, check_int
from course_utils.checks._core import (
    ExerciseError,
    answer_number,
    call_student,
    confirm,
    matches,
    skips_unsolved,
)
from course_utils.models import fit_pca, pca_reconstruct

PAPER_WIDTHS = (784, 1000, 500, 250, 30)  # Hinton & Salakhutdinov's encoder; the decoder mirrors it


def _summed_error(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Return the squared error summed over each image's pixels, averaged over the images."""
    return (x.double() - x_hat.double()).pow(2).flatten(1).sum(dim=1).mean().item()


@skips_unsolved
def check_summed_error_per_image(summed_error: Callable[[torch.Tensor, torch.Tensor], float]) -> None:
    """Check a function (x, x_hat) -> squared error summed over pixels, averaged over images (the paper's unit)."""
    generator = torch.Generator().manual_seed(0)
    for n, shape in ((50, (1, 28, 28)), (7, (1, 28, 28)), (20, (1, 10, 10))):
        x = torch.rand(n, *shape, generator=generator)  # (n, *shape)
        x_hat = (x + 0.2 * torch.randn(x.shape, generator=generator)).clamp(0, 1)  # (n, *shape)
        what = f"summed_error(x, x_hat) for {n} images of shape {shape}"
        value = answer_number(call_student(summed_error, x.clone(), x_hat.clone(), what=what), what)
        expected = _summed_error(x, x_hat)
        if matches(value, expected, rtol=1e-4):
            continue
        pixels, mse = x[0].numel(), expected / x[0].numel()
        mistakes = ((mse, f"This is the mean over pixels (the course's MSE): multiply by the {pixels} pixels "
                          "per image, i.e. sum over the pixels instead of averaging."),
                    (expected * n, "This is the sum over all images: average over the images (divide by N)."),
                    (expected ** 0.5, "Do not take the square root: the paper reports squared errors."),
                    (expected / 2, "Do not halve the error: the paper's unit is the plain sum of squares."))
        hint = next((advice for wrong, advice in mistakes if matches(value, wrong, rtol=1e-4)),
                    "Square the differences, sum them over each image's pixels (.flatten(1).sum(dim=1)), "
                    "then average over the images.")
        if shape != (1, 28, 28) and matches(value, mse * 784, rtol=1e-4):
            hint = f"Do not hard-code 784: these images have {pixels} pixels. Sum over the pixels instead."
        raise ExerciseError(f"For {n} images of shape {shape} you return {value:.4g}, expected {expected:.4g}. {hint}")
    confirm("summed squared error per image = D x the mean squared error per pixel (D = 784 for MNIST).")


def _parameter_count(widths: Sequence[int]) -> int:
    """Return the weights and biases of an MLP autoencoder with encoder widths and the mirrored decoder."""
    layers = list(zip(widths[:-1], widths[1:]))
    return 2 * sum(d_in * d_out for d_in, d_out in layers) + sum(d_out + d_in for d_in, d_out in layers)


@skips_unsolved
def check_parameter_count(parameter_count: Callable[[Sequence[int]], int]) -> None:
    """Check a function widths -> parameter count of the MLP autoencoder with those (mirrored) widths; returns None."""
    for widths in ((784, 30), (784, 64, 8), PAPER_WIDTHS):
        what = f"parameter_count({widths})"
        value = answer_number(call_student(parameter_count, widths, what=what), what)
        expected = _parameter_count(widths)
        if value == expected:
            continue
        weights = 2 * sum(d_in * d_out for d_in, d_out in zip(widths[:-1], widths[1:]))
        mistakes = ((weights, "You counted the weights only: every layer also has one bias per output unit."),
                    (expected / 2, "You counted one half: the decoder mirrors the encoder and has its own "
                                   "weights (not tied) and biases."),
                    (weights / 2 + sum(widths[1:]), "You counted the encoder only: add the decoder's layers."),
                    (weights + 2 * sum(widths[1:]), "The decoder's biases follow its output widths: "
                                                    f"{tuple(reversed(widths[:-1]))}, not the encoder's."))
        hint = next((advice for wrong, advice in mistakes if value == wrong),
                    "A layer from d_in to d_out units has d_in * d_out weights and d_out biases; the encoder has "
                    "one layer per pair of neighbouring widths and the decoder the same layers in reverse.")
        raise ExerciseError(f"{what} returns {value:,.0f}, expected {expected:,}. {hint}")
    confirm(f"the {'-'.join(map(str, PAPER_WIDTHS))} autoencoder has {_parameter_count(PAPER_WIDTHS):,} parameters.")


@skips_unsolved
def check_pca_error_from_spectrum(error_from_spectrum: Callable[[torch.Tensor, int], float], x: torch.Tensor, *,
                                  latent_dim: int) -> None:
    """Check a function (x, k) -> PCA's summed squared error per image predicted from its eigenvalues; returns None."""
    # The reference is the error of fit_pca(x, latent_dim=k) measured on x itself.
    x = check_images(x, "x", min_ndim=2)
    latent_dim = check_int(latent_dim, "latent_dim", maximum=min(len(x) - 1, x[0].numel() - 1))
    what = f"error_from_spectrum(x, {latent_dim})"
    value = answer_number(call_student(error_from_spectrum, x.clone(), latent_dim, what=what), what)
    expected = _summed_error(x, pca_reconstruct(fit_pca(x, latent_dim=latent_dim), x))
    if matches(value, expected, rtol=0.01):
        confirm(f"the eigenvalues left out by PCA add up to its error: {value:.3f} predicted, {expected:.3f} measured "
                "on the same images.")
        return
    pixels = x[0].numel()
    hint = "Sum the eigenvalues of the covariance matrix of the flattened images that PCA leaves out (all but the k " \
           "largest)."
    if matches(value, expected / pixels, rtol=0.01):
        hint = "This is per pixel: the eigenvalues already add up over all pixels, do not divide by D."
    elif value > expected:
        hint += " Did you sum the k largest ones, or all of them? Those are the variance PCA keeps, or the total."
    raise ExerciseError(f"{what} returns {value:.4g}, but PCA's measured error on these images is {expected:.4g} "
                        f"(summed over the {pixels} pixels, averaged over images). {hint}")
