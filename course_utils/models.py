"""Autoencoders the course builds (notebooks 02-07 teach them), and PCA as the linear baseline."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from sklearn.decomposition import PCA
from torch import nn

IMAGE_SHAPE = (1, 28, 28)


def _check_positive_int(value: object, name: str) -> None:
    """Raise a helpful ValueError unless value is a positive int."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _check_images(x: torch.Tensor, model_name: str) -> None:
    """Raise a helpful error unless x is a float batch of shape (N, 1, 28, 28)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{model_name} takes a torch tensor, got {type(x).__name__}.")
    if x.ndim != 4 or tuple(x.shape[1:]) != IMAGE_SHAPE:
        raise ValueError(
            f"{model_name} expects images of shape (N, 1, 28, 28), got {tuple(x.shape)}. "
            "For a single image use x.unsqueeze(0); for flat vectors use x.view(-1, 1, 28, 28)."
        )
    if not x.is_floating_point():
        raise TypeError(f"{model_name} expects float pixels in [0, 1], got dtype {x.dtype}; use x.float() / 255.")


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder: 784 -> hidden_dims -> latent_dim (linear code) -> reversed -> 784, sigmoid."""

    def __init__(self, *, latent_dim: int = 32, hidden_dims: Sequence[int] = (256, 128)) -> None:
        super().__init__()
        _check_positive_int(latent_dim, "latent_dim")
        for width in hidden_dims:
            _check_positive_int(width, "each of hidden_dims")
        self.latent_dim = latent_dim
        widths = [int(np.prod(IMAGE_SHAPE)), *hidden_dims]
        encoder_layers: list[nn.Module] = [nn.Flatten()]
        for d_in, d_out in zip(widths[:-1], widths[1:]):
            encoder_layers += [nn.Linear(d_in, d_out), nn.ReLU()]
        encoder_layers.append(nn.Linear(widths[-1], latent_dim))  # linear code: no ReLU to kill dimensions
        decoder_widths = [latent_dim, *reversed(hidden_dims)]
        decoder_layers: list[nn.Module] = []
        for d_in, d_out in zip(decoder_widths[:-1], decoder_widths[1:]):
            decoder_layers += [nn.Linear(d_in, d_out), nn.ReLU()]
        # Sigmoid: pixels live in [0, 1]; Unflatten: give back images, not vectors.
        decoder_layers += [nn.Linear(decoder_widths[-1], widths[0]), nn.Sigmoid(), nn.Unflatten(1, IMAGE_SHAPE)]
        self.encoder = nn.Sequential(*encoder_layers)
        self.decoder = nn.Sequential(*decoder_layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the reconstruction x_hat of images x, both of shape (N, 1, 28, 28)."""
        _check_images(x, "MLPAutoencoder")
        return self.decoder(self.encoder(x))


class ConvAutoencoder(nn.Module):
    """Convolutional autoencoder: two stride-2 convolutions (28 -> 14 -> 7), a linear code, and a mirrored decoder."""

    def __init__(
        self, *, latent_dim: int = 32, channels: Sequence[int] = (16, 32), upsampling: str = "transpose"
    ) -> None:
        super().__init__()
        _check_positive_int(latent_dim, "latent_dim")
        if len(channels) != 2:
            raise ValueError(f"channels must hold two widths, e.g. (16, 32), got {channels!r}.")
        for width in channels:
            _check_positive_int(width, "each of channels")
        if upsampling not in ("transpose", "nearest"):
            raise ValueError(f"upsampling must be 'transpose' or 'nearest', got {upsampling!r}.")
        self.latent_dim = latent_dim
        c1, c2 = channels
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the reconstruction x_hat of images x, both of shape (N, 1, 28, 28)."""
        _check_images(x, "ConvAutoencoder")
        return self.decoder(self.encoder(x))


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
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def fit_pca(x: torch.Tensor, *, latent_dim: int) -> PCA:
    """Return scikit-learn's PCA with latent_dim components, fitted on the flattened images x."""
    _check_positive_int(latent_dim, "latent_dim")
    flat = _flatten(x)
    if latent_dim > min(flat.shape):
        raise ValueError(f"latent_dim={latent_dim} exceeds what {flat.shape[0]} images of {flat.shape[1]} pixels allow.")
    # "covariance_eigh" is exact and, for many images of few pixels, ~10x faster than a full SVD.
    return PCA(n_components=latent_dim, svd_solver="covariance_eigh").fit(flat)


def pca_encode(pca: PCA, x: torch.Tensor) -> torch.Tensor:
    """Return the PCA codes z of images x: their coordinates along the components, shape (N, latent_dim)."""
    flat = _flatten(x)
    if flat.shape[1] != pca.n_features_in_:
        raise ValueError(f"x must have {pca.n_features_in_} pixels per image (what this PCA was fitted on), "
                         f"got {flat.shape[1]}.")
    return torch.from_numpy(pca.transform(flat).astype(np.float32))


def pca_decode(pca: PCA, z: torch.Tensor, *, image_shape: Sequence[int] = IMAGE_SHAPE) -> torch.Tensor:
    """Return the images decoded from PCA codes z (N, latent_dim), shape (N, *image_shape); not clipped."""
    codes = _flatten(z)
    if codes.shape[1] != pca.n_components_:
        raise ValueError(f"z must have {pca.n_components_} columns (this PCA's latent_dim), got {codes.shape[1]}.")
    x_hat = pca.inverse_transform(codes).astype(np.float32)  # (N, pixels)
    return torch.from_numpy(x_hat).view(len(codes), *image_shape)


def pca_reconstruct(pca: PCA, x: torch.Tensor) -> torch.Tensor:
    """Return PCA's reconstructions of images x (project onto the components and back), in x's shape."""
    return pca_decode(pca, pca_encode(pca, x), image_shape=tuple(x.shape[1:]))


def _flatten(x: torch.Tensor) -> np.ndarray:
    """Return images x of shape (N, ...) as a float64 NumPy array of shape (N, pixels)."""
    if not isinstance(x, torch.Tensor) or x.ndim < 2:
        raise ValueError(f"Expected a tensor of images of shape (N, ...), got {getattr(x, 'shape', type(x))}.")
    return x.detach().cpu().reshape(len(x), -1).double().numpy()
