"""Tests for course_utils.checks.capstone (notebook 13)."""

import numpy as np
import pytest
import torch

from course_utils.checks import (
    ExerciseError,
    check_parameter_count,
    check_pca_error_from_spectrum,
    check_summed_error_per_image,
)
from course_utils.models import MLPAutoencoder, count_parameters


def _stub(*args):
    raise NotImplementedError()


def test_check_summed_error_per_image_passes_right_and_names_mistakes(capsys):
    check_summed_error_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1).mean())
    check_summed_error_per_image(lambda x, x_hat: float(((x - x_hat) ** 2).sum() / len(x)))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="multiply by the 784"):
        check_summed_error_per_image(lambda x, x_hat: (x - x_hat).pow(2).mean())
    with pytest.raises(ExerciseError, match="average over the images"):
        check_summed_error_per_image(lambda x, x_hat: (x - x_hat).pow(2).sum())
    with pytest.raises(ExerciseError, match="square root"):
        check_summed_error_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1).mean().sqrt())
    with pytest.raises(ExerciseError, match="hard-code 784"):
        check_summed_error_per_image(lambda x, x_hat: 784 * (x - x_hat).pow(2).mean())
    with pytest.raises(ExerciseError, match="one number"):
        check_summed_error_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1))
    with pytest.raises(ExerciseError, match="returned None"):
        check_summed_error_per_image(lambda x, x_hat: None)


def test_check_parameter_count_agrees_with_count_parameters_and_names_mistakes(capsys):
    def right(widths):
        pairs = list(zip(widths[:-1], widths[1:]))
        return sum(2 * a * b + a + b for a, b in pairs)

    check_parameter_count(right)
    assert "2,837,314" in capsys.readouterr().out
    assert right((784, 1000, 500, 250, 30)) == count_parameters(MLPAutoencoder(latent_dim=30,
                                                                               hidden_dims=(1000, 500, 250)))
    with pytest.raises(ExerciseError, match="weights only"):
        check_parameter_count(lambda widths: sum(2 * a * b for a, b in zip(widths[:-1], widths[1:])))
    with pytest.raises(ExerciseError, match="encoder only"):
        check_parameter_count(lambda widths: sum(a * b + b for a, b in zip(widths[:-1], widths[1:])))
    with pytest.raises(ExerciseError, match="not the encoder's"):
        check_parameter_count(lambda widths: sum(2 * a * b + 2 * b for a, b in zip(widths[:-1], widths[1:])))
    with pytest.raises(ExerciseError, match="expected 47,854"):
        check_parameter_count(lambda widths: 1)


def _images(n=300):
    generator = torch.Generator().manual_seed(0)
    base = torch.rand(5, 1, 28, 28, generator=generator)  # a few patterns, so that the spectrum decays
    weights = torch.rand(n, 5, generator=generator)
    return (torch.einsum("nk,kchw->nchw", weights, base) / 5).clamp(0, 1)  # (n, 1, 28, 28)


def _from_spectrum(x, k):
    flat = x.flatten(1).double().numpy()
    eigenvalues = np.linalg.eigvalsh(np.cov(flat, rowvar=False))[::-1]  # largest first
    return float(eigenvalues[k:].sum())


def test_check_pca_error_from_spectrum(capsys):
    x = _images()
    check_pca_error_from_spectrum(_from_spectrum, x, latent_dim=3)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="largest ones, or all"):
        check_pca_error_from_spectrum(lambda x, k: _from_spectrum(x, 0), x, latent_dim=3)
    with pytest.raises(ExerciseError, match="do not divide by D"):
        check_pca_error_from_spectrum(lambda x, k: _from_spectrum(x, k) / 784, x, latent_dim=3)


def test_check_pca_error_from_spectrum_validates_the_course_arguments():
    with pytest.raises(ValueError, match="x must hold values in"):
        check_pca_error_from_spectrum(_from_spectrum, _images() * 255, latent_dim=3)
    with pytest.raises(ValueError, match="latent_dim must be"):
        check_pca_error_from_spectrum(_from_spectrum, _images(10), latent_dim=10)
    with pytest.raises(TypeError, match="latent_dim must be"):
        check_pca_error_from_spectrum(_from_spectrum, _images(), latent_dim=2.5)
