"""Tests for course_utils.models: shapes, parameter counts, clear errors, and the PCA baseline."""

import pytest
import torch
from torch import nn

from course_utils.models import ConvAutoencoder, MLPAutoencoder, count_parameters, fit_pca, pca_reconstruct


@pytest.fixture
def x() -> torch.Tensor:
    return torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(0))  # (6, 1, 28, 28)


def test_mlp_autoencoder_shapes_range_and_linear_code(x):
    model = MLPAutoencoder(latent_dim=5, hidden_dims=(64, 32))
    z = model.encoder(x)
    assert z.shape == (6, 5)
    assert isinstance(model.encoder[-1], nn.Linear)  # a linear code: no ReLU can zero a dimension
    x_hat = model(x)
    assert x_hat.shape == x.shape
    assert x_hat.min() >= 0 and x_hat.max() <= 1
    assert model.latent_dim == 5


def test_mlp_autoencoder_parameter_count():
    model = MLPAutoencoder(latent_dim=8, hidden_dims=(16,))
    encoder = 784 * 16 + 16 + 16 * 8 + 8
    decoder = 8 * 16 + 16 + 16 * 784 + 784
    assert count_parameters(model) == encoder + decoder
    assert count_parameters(MLPAutoencoder(latent_dim=8, hidden_dims=())) == (784 * 8 + 8) + (8 * 784 + 784)


@pytest.mark.parametrize("upsampling", ["transpose", "nearest"])
def test_conv_autoencoder_shapes_and_range(x, upsampling):
    model = ConvAutoencoder(latent_dim=7, channels=(4, 8), upsampling=upsampling)
    z = model.encoder(x)
    assert z.shape == (6, 7)
    x_hat = model(x)
    assert x_hat.shape == x.shape
    assert x_hat.min() >= 0 and x_hat.max() <= 1


def test_conv_autoencoder_layers_and_parameter_count():
    transpose = ConvAutoencoder(latent_dim=16)
    nearest = ConvAutoencoder(latent_dim=16, upsampling="nearest")
    assert any(isinstance(m, nn.ConvTranspose2d) for m in transpose.decoder)
    assert not any(isinstance(m, nn.ConvTranspose2d) for m in nearest.decoder)
    assert any(isinstance(m, nn.Upsample) and m.mode == "nearest" for m in nearest.decoder)
    encoder = (1 * 16 * 9 + 16) + (16 * 32 * 9 + 32) + (32 * 49 * 16 + 16)
    decoder = (16 * 32 * 49 + 32 * 49) + (32 * 16 * 9 + 16) + (16 * 1 * 9 + 1)
    assert count_parameters(transpose) == encoder + decoder
    assert count_parameters(nearest) == encoder + decoder  # same kernels, arranged differently


def test_count_parameters_skips_frozen_weights():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    assert count_parameters(model) == 8 + 3
    model[0].weight.requires_grad_(False)
    assert count_parameters(model) == 2 + 3


@pytest.mark.parametrize("model_class", [MLPAutoencoder, ConvAutoencoder])
def test_autoencoders_explain_bad_inputs(model_class):
    model = model_class(latent_dim=4)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\).*unsqueeze"):
        model(torch.rand(1, 28, 28))
    with pytest.raises(ValueError, match="expects images of shape"):
        model(torch.rand(2, 784))
    with pytest.raises(TypeError, match="float"):
        model(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))
    with pytest.raises(TypeError, match="torch tensor"):
        model([[0.0]])


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_autoencoders_reject_bad_latent_dim(bad):
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        MLPAutoencoder(latent_dim=bad)
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        ConvAutoencoder(latent_dim=bad)


def test_autoencoders_reject_bad_widths_and_modes():
    with pytest.raises(ValueError, match="hidden_dims"):
        MLPAutoencoder(hidden_dims=(64, 0))
    with pytest.raises(ValueError, match="two widths"):
        ConvAutoencoder(channels=(8, 16, 32))
    with pytest.raises(ValueError, match="channels"):
        ConvAutoencoder(channels=(8, -1))
    with pytest.raises(ValueError, match="'transpose' or 'nearest'"):
        ConvAutoencoder(upsampling="bilinear")


def test_pca_reconstructs_exactly_with_all_components_and_approximately_with_few():
    generator = torch.Generator().manual_seed(0)
    basis = torch.rand(3, 784, generator=generator)  # data on a 3-D affine subspace
    x = (torch.rand(20, 3, generator=generator) @ basis).view(20, 1, 28, 28)
    pca = fit_pca(x, latent_dim=3)
    assert pca.n_components_ == 3
    x_hat = pca_reconstruct(pca, x)
    assert x_hat.shape == x.shape and x_hat.dtype == torch.float32
    assert torch.allclose(x_hat, x, atol=1e-4)
    error_1 = (pca_reconstruct(fit_pca(x, latent_dim=1), x) - x).pow(2).mean()
    error_2 = (pca_reconstruct(fit_pca(x, latent_dim=2), x) - x).pow(2).mean()
    assert error_1 > error_2 > 1e-8  # more components, smaller error


def test_pca_explains_bad_inputs():
    x = torch.rand(5, 1, 28, 28)
    with pytest.raises(ValueError, match="exceeds"):
        fit_pca(x, latent_dim=6)
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        fit_pca(x, latent_dim=0)
    with pytest.raises(ValueError, match=r"shape \(N, \.\.\.\)"):
        fit_pca(torch.rand(5), latent_dim=1)
    pca = fit_pca(x, latent_dim=2)
    with pytest.raises(ValueError, match="784 pixels per image, got 100"):
        pca_reconstruct(pca, torch.rand(3, 1, 10, 10))
