"""Autoencoders the course builds (notebooks 02-07 teach them), and PCA as the linear baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from sklearn.decomposition import PCA
from torch import nn

from course_utils._validation import check_choice, check_instance, check_int, check_sequence, check_tensor, describe

IMAGE_SHAPE = (1, 28, 28)


class _Autoencoder(nn.Module):
    """An encoder and a decoder (set by the subclass) applied in turn to checked images."""

    encoder: nn.Module
    decoder: nn.Module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the reconstruction x_hat of images x, both of shape (N, 1, 28, 28)."""
        return self.decoder(self.encoder(_check_model_input(self, x)))


class MLPAutoencoder(_Autoencoder):
    """Fully connected autoencoder: 784 -> hidden_dims -> latent_dim (linear code) -> reversed -> 784, sigmoid."""

    def __init__(self, *, latent_dim: int = 32, hidden_dims: Sequence[int] = (256, 128)) -> None:
        super().__init__()
        latent_dim = check_int(latent_dim, "latent_dim")
        hidden_dims = check_sequence(hidden_dims, "hidden_dims", item=check_int)
        self.latent_dim = latent_dim
        widths = [int(np.prod(IMAGE_SHAPE)), *hidden_dims]
        # Linear code: no ReLU to kill dimensions.
        self.encoder = nn.Sequential(nn.Flatten(), *_relu_layers(widths), nn.Linear(widths[-1], latent_dim))
        self.decoder = _decoder(latent_dim, hidden_dims)


class ConvAutoencoder(_Autoencoder):
    """Convolutional autoencoder: two stride-2 convolutions (28 -> 14 -> 7), a linear code, and a mirrored decoder."""

    def __init__(
        self, *, latent_dim: int = 32, channels: Sequence[int] = (16, 32), upsampling: str = "transpose"
    ) -> None:
        super().__init__()
        latent_dim = check_int(latent_dim, "latent_dim")
        c1, c2 = check_sequence(channels, "channels", length=2, item=check_int)
        check_choice(upsampling, "upsampling", ("transpose", "nearest"))
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, stride=2, padding=1),  # (N, c1, 14, 14)
            nn.ReLU(),
            nn.Conv2d(c1, c2, kernel_size=3, stride=2, padding=1),  # (N, c2, 7, 7)
            nn.ReLU(),
            nn.Flatten(),  # (N, c2 * 49)
            nn.Linear(c2 * 7 * 7, latent_dim),  # (N, latent_dim)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, c2 * 7 * 7),
            nn.ReLU(),
            nn.Unflatten(1, (c2, 7, 7)),  # (N, c2, 7, 7)
            *_upsample(c2, c1, upsampling),  # (N, c1, 14, 14)
            nn.ReLU(),
            *_upsample(c1, 1, upsampling),  # (N, 1, 28, 28)
            nn.Sigmoid(),
        )


def _relu_layers(widths: Sequence[int]) -> list[nn.Module]:
    """Return Linear + ReLU pairs that map widths[0] units to widths[1], then to widths[2], and so on."""
    layers: list[nn.Module] = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(d_in, d_out), nn.ReLU()]
    return layers


def _decoder(latent_dim: int, hidden_dims: Sequence[int]) -> nn.Sequential:
    """Return the MLP decoder latent_dim -> reversed hidden_dims -> 784 pixels, sigmoid, as (N, 1, 28, 28) images."""
    widths = [latent_dim, *reversed(hidden_dims)]
    # Sigmoid: pixels live in [0, 1]; Unflatten: give back images, not vectors.
    return nn.Sequential(*_relu_layers(widths), nn.Linear(widths[-1], int(np.prod(IMAGE_SHAPE))), nn.Sigmoid(),
                         nn.Unflatten(1, IMAGE_SHAPE))


def _upsample(in_channels: int, out_channels: int, mode: str) -> list[nn.Module]:
    """Return layers that double height and width: a transposed convolution, or nearest upsampling + conv."""
    if mode == "transpose":
        return [nn.ConvTranspose2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1, output_padding=1)]
    # Upsampling first, then an ordinary convolution, avoids the uneven kernel overlap of
    # a stride-2 transposed convolution that paints checkerboard artefacts.
    return [nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)]


def count_parameters(model: nn.Module) -> int:
    """Return the number of trainable parameters in model."""
    check_instance(model, "model", nn.Module, "a torch.nn.Module")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def fit_pca(x: torch.Tensor, *, latent_dim: int) -> PCA:
    """Return scikit-learn's PCA with latent_dim components, fitted on the flattened images x."""
    flat = _flatten(x, "x")
    if len(flat) < 2:  # one image has no variance to analyse
        raise ValueError(f"x must hold at least 2 images to fit a PCA, got {describe(x)}.")
    latent_dim = check_int(latent_dim, "latent_dim", maximum=min(flat.shape))  # PCA's limit: images and pixels
    # "covariance_eigh" is exact and, for many images of few pixels, ~10x faster than a full SVD.
    return PCA(n_components=latent_dim, svd_solver="covariance_eigh").fit(flat)


def _check_fitted_pca(pca: object) -> PCA:
    """Return pca after checking that it is a PCA that has been fitted."""
    check_instance(pca, "pca", PCA, "a fitted PCA from fit_pca(x, latent_dim=...)")
    if not hasattr(pca, "components_"):
        raise ValueError("pca must be fitted (use fit_pca(x, latent_dim=...)), got an unfitted PCA.")
    return pca


def pca_encode(pca: PCA, x: torch.Tensor) -> torch.Tensor:
    """Return the PCA codes z of images x: their coordinates along the components, shape (N, latent_dim)."""
    pca = _check_fitted_pca(pca)
    flat = _flatten(x, "x")
    if flat.shape[1] != pca.n_features_in_:
        raise ValueError(f"x must have {pca.n_features_in_} pixels per image (what this PCA was fitted on), "
                         f"got {describe(x)}.")
    return torch.from_numpy(pca.transform(flat).astype(np.float32))


def pca_decode(pca: PCA, z: torch.Tensor, *, image_shape: Sequence[int] = IMAGE_SHAPE) -> torch.Tensor:
    """Return the images decoded from PCA codes z (N, latent_dim), shape (N, *image_shape); not clipped."""
    pca = _check_fitted_pca(pca)
    z = check_tensor(z, "z", shape=(pca.n_components_,))
    image_shape = check_sequence(image_shape, "image_shape", min_length=1, item=check_int)
    if math.prod(image_shape) != pca.n_features_in_:
        raise ValueError(f"image_shape must hold {pca.n_features_in_} pixels (what this PCA was fitted on), "
                         f"got {tuple(image_shape)}.")
    x_hat = pca.inverse_transform(z.detach().cpu().double().numpy()).astype(np.float32)  # (N, pixels)
    return torch.from_numpy(x_hat).view(len(z), *image_shape)


def pca_reconstruct(pca: PCA, x: torch.Tensor) -> torch.Tensor:
    """Return PCA's reconstructions of images x (project onto the components and back), in x's shape."""
    return pca_decode(pca, pca_encode(pca, x), image_shape=tuple(x.shape[1:]))


def _flatten(x: torch.Tensor, name: str) -> np.ndarray:
    """Return the finite float tensor x of shape (N, ...) as a float64 NumPy array of shape (N, pixels)."""
    x = check_tensor(x, name, min_ndim=2)
    return x.detach().cpu().reshape(len(x), -1).double().numpy()


def _check_model_input(model: nn.Module, x: object) -> torch.Tensor:
    """Return images x (N, 1, 28, 28) after checking their metadata against the model's dtype and device."""
    # Metadata only (type, shape, dtype, device): forward runs on every batch, and reading the
    # values (min, max, isfinite) would make the GPU wait for the CPU each time.
    x = check_tensor(x, "x", shape=IMAGE_SHAPE, finite=False)
    weight = next(model.parameters())
    if x.dtype != weight.dtype:
        raise TypeError(f"x must have the model's dtype {weight.dtype}, got {describe(x)}; convert it with "
                        f"x.to({weight.dtype}) (or the model with model.to({x.dtype})).")
    if x.device != weight.device:
        raise ValueError(f"x must be on the model's device {weight.device}, got {describe(x)} on {x.device}; "
                         "move it with x.to(device).")
    return x


class VAE(nn.Module):
    """Variational autoencoder (notebook 11): q(z|x) = N(mu, diag exp(logvar)), a sampled code, pixel probabilities.

    encode(x) -> (mu, logvar), each (N, latent_dim); decode(z) -> x_hat (N, 1, 28, 28), the Bernoulli means
    (after a sigmoid, so in [0, 1], not logits); forward(x) -> (x_hat, mu, logvar), decoding one
    reparameterised sample z = mu + exp(logvar / 2) * eps with eps ~ N(0, I), in training and in eval mode.
    """

    def __init__(self, *, latent_dim: int = 2, hidden_dims: Sequence[int] = (512, 256)) -> None:
        super().__init__()
        latent_dim = check_int(latent_dim, "latent_dim")
        hidden_dims = check_sequence(hidden_dims, "hidden_dims", min_length=1, item=check_int)
        self.latent_dim = latent_dim
        widths = [int(np.prod(IMAGE_SHAPE)), *hidden_dims]
        self.encoder = nn.Sequential(nn.Flatten(), *_relu_layers(widths))  # images -> features, shared by the heads
        self.to_mu = nn.Linear(widths[-1], latent_dim)
        self.to_logvar = nn.Linear(widths[-1], latent_dim)  # log-variance: any real number is a valid output
        self.decoder = _decoder(latent_dim, hidden_dims)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return (mu, logvar) of q(z|x) for images x (N, 1, 28, 28), each of shape (N, latent_dim)."""
        features = self.encoder(_check_model_input(self, x))  # (N, hidden_dims[-1])
        return self.to_mu(features), self.to_logvar(features)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Return x_hat (N, 1, 28, 28), the decoder's pixel probabilities in [0, 1] for codes z (N, latent_dim)."""
        z = check_tensor(z, "z", shape=(self.latent_dim,), finite=False)
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return (x_hat, mu, logvar): x_hat decodes one reparameterised sample z = mu + exp(logvar / 2) * eps."""
        mu, logvar = self.encode(x)  # (N, latent_dim) each
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)  # (N, latent_dim): gradients reach mu and logvar
        return self.decode(z), mu, logvar
