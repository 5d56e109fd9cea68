"""Tests for course_utils.models: shapes, parameter counts, clear errors, and the PCA baseline."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from torch import nn

from course_utils.models import (
    VAE,
    ConvAutoencoder,
    MLPAutoencoder,
    count_parameters,
    fit_pca,
    pca_decode,
    pca_encode,
    pca_reconstruct,
)


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
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1, 28, 28\).*x.unsqueeze\(0\)"):
        model(torch.rand(1, 28, 28))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1, 28, 28\).*x.view\(-1, 1, 28, 28\)"):
        model(torch.rand(2, 784))
    with pytest.raises(TypeError, match="x must hold floats, got .*torch.uint8"):
        model(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))
    with pytest.raises(TypeError, match="x must be a torch tensor"):
        model([[0.0]])
    with pytest.raises(ValueError, match="x must not be empty"):
        model(torch.zeros(0, 1, 28, 28))


@pytest.mark.parametrize("model_class", [MLPAutoencoder, ConvAutoencoder])
def test_a_double_batch_is_refused_naming_both_dtypes(model_class, x):
    # Refused rather than cast: a silent cast would hide a float64 pipeline that doubles memory.
    with pytest.raises(TypeError, match=r"x must have the model's dtype torch.float32, got .*dtype torch.float64"):
        model_class(latent_dim=4)(x.double())
    assert model_class(latent_dim=4).double()(x.double()).dtype == torch.float64


def test_forward_reads_no_values_so_a_nan_batch_passes_through():
    # forward runs on every batch: its checks read metadata only, never the values (that would sync a GPU).
    x_hat = MLPAutoencoder(latent_dim=4)(torch.full((2, 1, 28, 28), float("nan")))
    assert x_hat.shape == (2, 1, 28, 28)


@pytest.mark.parametrize(
    ("bad", "error"), [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError), ("8", TypeError)]
)
def test_autoencoders_reject_bad_latent_dim(bad, error):
    with pytest.raises(error, match="latent_dim must be a positive integer"):
        MLPAutoencoder(latent_dim=bad)
    with pytest.raises(error, match="latent_dim must be a positive integer"):
        ConvAutoencoder(latent_dim=bad)


def test_autoencoders_reject_bad_widths_and_modes():
    with pytest.raises(ValueError, match=r"hidden_dims\[1\] must be a positive integer, got 0"):
        MLPAutoencoder(hidden_dims=(64, 0))
    with pytest.raises(TypeError, match="hidden_dims must be a list or tuple, got 64"):
        MLPAutoencoder(hidden_dims=64)
    with pytest.raises(ValueError, match="channels must hold exactly 2 items, got 3"):
        ConvAutoencoder(channels=(8, 16, 32))
    with pytest.raises(ValueError, match=r"channels\[1\] must be a positive integer, got -1"):
        ConvAutoencoder(channels=(8, -1))
    with pytest.raises(ValueError, match="upsampling must be one of 'transpose', 'nearest', got 'bilinear'"):
        ConvAutoencoder(upsampling="bilinear")
    assert MLPAutoencoder(latent_dim=np.int64(3), hidden_dims=[np.int64(8)]).latent_dim == 3


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
    with pytest.raises(ValueError, match="latent_dim must be an integer >= 1 and <= 5, got 6"):
        fit_pca(x, latent_dim=6)
    with pytest.raises(ValueError, match="latent_dim must be an integer >= 1 and <= 5, got 0"):
        fit_pca(x, latent_dim=0)
    with pytest.raises(ValueError, match=r"x must be a batch of shape \(N, \.\.\.\)"):
        fit_pca(torch.rand(5), latent_dim=1)
    with pytest.raises(ValueError, match="x must hold finite values"):
        fit_pca(torch.full((5, 4), float("inf")), latent_dim=1)
    with pytest.raises(ValueError, match="x must hold at least 2 images to fit a PCA"):
        fit_pca(x[:1], latent_dim=1)
    assert fit_pca(x, latent_dim=np.int64(3)).n_components_ == 3
    pca = fit_pca(x, latent_dim=2)
    with pytest.raises(ValueError, match=r"x must have 784 pixels per image .*shape \(3, 1, 10, 10\)"):
        pca_reconstruct(pca, torch.rand(3, 1, 10, 10))
    with pytest.raises(TypeError, match="pca must be a fitted PCA from fit_pca"):
        pca_encode("pca", x)
    with pytest.raises(ValueError, match="pca must be fitted"):
        pca_encode(PCA(n_components=2), x)
    with pytest.raises(ValueError, match=r"z must have shape \(N, 2\)"):
        pca_decode(pca, torch.zeros(3, 5))
    with pytest.raises(ValueError, match="image_shape must hold 784 pixels"):
        pca_decode(pca, torch.zeros(3, 2), image_shape=(1, 20, 20))
    assert pca_decode(pca, torch.zeros(3, 2), image_shape=(784,)).shape == (3, 784)


def test_count_parameters_names_a_bad_model():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        count_parameters([torch.zeros(3)])


def test_vae_shapes_outputs_and_sampling(x):
    model = VAE(latent_dim=3, hidden_dims=(32, 16))
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (6, 3)
    x_hat = model.decode(mu)
    assert x_hat.shape == (6, 1, 28, 28) and 0 <= x_hat.min() and x_hat.max() <= 1  # probabilities, not logits
    x_hat_1, mu_1, logvar_1 = model(x)
    x_hat_2, mu_2, _ = model(x)
    assert x_hat_1.shape == x.shape and torch.equal(mu_1, mu) and torch.equal(logvar_1, logvar)
    assert torch.equal(mu_1, mu_2) and not torch.equal(x_hat_1, x_hat_2)  # a fresh sample z on every call
    x_hat_1.sum().backward()
    assert model.to_logvar.weight.grad is not None  # the reparameterised sample passes gradients to logvar
    assert VAE().latent_dim == 2 and model.latent_dim == 3


def test_vae_explains_bad_inputs(x):
    with pytest.raises(ValueError, match="latent_dim must be a positive integer, got 0"):
        VAE(latent_dim=0)
    with pytest.raises(ValueError, match="hidden_dims must hold at least 1 items"):
        VAE(hidden_dims=())
    with pytest.raises(TypeError, match=r"hidden_dims\[1\] must be a positive integer"):
        VAE(hidden_dims=(8, 2.5))
    model = VAE(latent_dim=2, hidden_dims=(8,))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1, 28, 28\)"):
        model.encode(torch.rand(2, 784))
    with pytest.raises(TypeError, match="x must have the model's dtype"):
        model(x.double())
    with pytest.raises(ValueError, match=r"z must have shape \(N, 2\)"):
        model.decode(torch.zeros(4, 3))
