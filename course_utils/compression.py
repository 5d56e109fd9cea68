"""An autoencoder (or PCA) as a lossy codec: uniform quantisation of codes, their bit cost, and reference codecs.

The quantiser's range is learned once from training codes and shared by encoder and decoder,
like a codec's tables, so it costs nothing per image.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import torch


def _check_codes(z: torch.Tensor, name: str = "z") -> None:
    """Raise a helpful error unless z is a finite float tensor of shape (N, D)."""
    if not isinstance(z, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor of codes, got {type(z).__name__}.")
    if not z.is_floating_point():
        raise TypeError(f"{name} must hold float codes, got dtype {z.dtype}.")
    if z.ndim != 2 or len(z) == 0:
        raise ValueError(f"{name} must have shape (N, D) with N >= 1, got {tuple(z.shape)}; "
                         "codes come from model.encoder(x).")
    if not torch.isfinite(z).all():
        raise ValueError(f"{name} holds NaN or infinite values.")


def _check_bits(bits: object) -> int:
    """Return bits after checking that it is an int from 1 to 16."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 16:
        raise ValueError(f"bits must be an int from 1 to 16, got {bits!r}.")
    return bits


@dataclass(frozen=True)
class UniformQuantizer:
    """A per-dimension uniform quantiser with 2**bits levels between low and high (both of shape (D,))."""

    low: torch.Tensor
    high: torch.Tensor
    bits: int

    @property
    def levels(self) -> int:
        """Return the number of quantisation levels, 2**bits."""
        return 2**self.bits

    @property
    def step(self) -> torch.Tensor:
        """Return each dimension's step size (high - low) / levels, shape (D,)."""
        return (self.high - self.low) / self.levels

    @property
    def bits_per_image(self) -> int:
        """Return the fixed-length cost of one code: D dimensions times bits."""
        return len(self.low) * self.bits

    def quantize(self, z: torch.Tensor) -> torch.Tensor:
        """Return the int64 level index in [0, levels - 1] of each entry of codes z (N, D); values outside clip."""
        _check_codes(z)
        if z.shape[1] != len(self.low):
            raise ValueError(f"This quantiser was fitted on {len(self.low)}-dimensional codes, got {z.shape[1]}.")
        index = torch.floor((z.detach().cpu() - self.low) / self.step)
        return index.clamp(0, self.levels - 1).long()

    def dequantize(self, q: torch.Tensor) -> torch.Tensor:
        """Return the float codes (N, D) at the centres of the cells that level indices q point to."""
        if not isinstance(q, torch.Tensor) or q.is_floating_point() or q.ndim != 2 or q.shape[1] != len(self.low):
            raise ValueError(f"q must be an integer tensor of shape (N, {len(self.low)}) from quantize(), "
                             f"got {getattr(q, 'dtype', type(q).__name__)} {tuple(getattr(q, 'shape', ()))}.")
        if q.numel() and (q.min() < 0 or q.max() >= self.levels):
            raise ValueError(f"Level indices must lie in [0, {self.levels - 1}], "
                             f"got {q.min().item()}..{q.max().item()}.")
        return self.low + (q.float() + 0.5) * self.step


def fit_quantizer(z_train: torch.Tensor, *, bits: int) -> UniformQuantizer:
    """Return a UniformQuantizer whose per-dimension range is the min..max of the training codes z_train (N, D)."""
    _check_codes(z_train, "z_train")
    bits = _check_bits(bits)
    z = z_train.detach().cpu().float()
    low, high = z.min(dim=0).values, z.max(dim=0).values
    high = torch.where(high > low, high, low + 1e-6)  # a constant dimension still gets a non-empty range
    return UniformQuantizer(low=low, high=high, bits=bits)


def entropy_bits_per_image(q_eval: torch.Tensor, q_fit: torch.Tensor, *, levels: int) -> float:
    """Return the ideal coded size, in bits per image, of level indices q_eval under per-dimension symbol
    frequencies counted on q_fit (add-one smoothed): what an entropy coder trained on q_fit would approach."""
    if not isinstance(levels, int) or isinstance(levels, bool) or levels < 2:
        raise ValueError(f"levels must be an int >= 2 (quantizer.levels), got {levels!r}.")
    for name, q in (("q_eval", q_eval), ("q_fit", q_fit)):
        if not isinstance(q, torch.Tensor) or q.is_floating_point() or q.ndim != 2 or len(q) == 0:
            raise ValueError(f"{name} must be a non-empty integer tensor of shape (N, D) from quantize(), "
                             f"got {getattr(q, 'dtype', type(q).__name__)} {tuple(getattr(q, 'shape', ()))}.")
        if q.min() < 0 or q.max() >= levels:
            raise ValueError(f"{name} holds indices outside [0, {levels - 1}]; pass levels=quantizer.levels.")
    if q_eval.shape[1] != q_fit.shape[1]:
        raise ValueError(f"q_eval has {q_eval.shape[1]} dimensions but q_fit has {q_fit.shape[1]}.")
    total = 0.0
    for dim in range(q_fit.shape[1]):
        counts = torch.bincount(q_fit[:, dim].cpu(), minlength=levels).double() + 1.0  # add-one: no zero probability
        log2_p = torch.log2(counts / counts.sum())
        total -= log2_p[q_eval[:, dim].cpu()].sum().item()
    return total / len(q_eval)


def _to_uint8_images(images: torch.Tensor) -> np.ndarray:
    """Return images (N, 1, H, W) or (N, H, W) in [0, 1] as a uint8 array (N, H, W)."""
    if not isinstance(images, torch.Tensor) or not images.is_floating_point():
        raise TypeError("images must be a float tensor with pixels in [0, 1].")
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[1] != 1) or len(images) == 0:
        raise ValueError(f"images must have shape (N, 1, H, W) or (N, H, W), got {tuple(images.shape)}.")
    if images.min() < 0 or images.max() > 1:
        raise ValueError("images must hold pixels in [0, 1].")
    array = images.detach().cpu().reshape(len(images), *images.shape[-2:]).numpy()
    return np.round(array * 255).astype(np.uint8)


def jpeg_roundtrip(images: torch.Tensor, *, quality: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (decoded images in the input's shape, file size in bytes per image) for Pillow's JPEG at quality."""
    from PIL import Image

    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 95:
        raise ValueError(f"quality must be an int from 1 to 95, got {quality!r}.")
    decoded, sizes = [], []
    for array in _to_uint8_images(images):
        buffer = io.BytesIO()
        Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
        sizes.append(buffer.tell())
        buffer.seek(0)
        decoded.append(np.asarray(Image.open(buffer), dtype=np.float32) / 255.0)
    x_hat = torch.from_numpy(np.stack(decoded)).reshape(images.shape)
    return x_hat, torch.tensor(sizes, dtype=torch.int64)


def png_sizes(images: torch.Tensor) -> torch.Tensor:
    """Return the lossless PNG file size in bytes of each 8-bit image, shape (N,)."""
    from PIL import Image

    sizes = []
    for array in _to_uint8_images(images):
        buffer = io.BytesIO()
        Image.fromarray(array).save(buffer, format="PNG", optimize=True)
        sizes.append(buffer.tell())
    return torch.tensor(sizes, dtype=torch.int64)


def bits_per_pixel(bits_per_image: float, *, pixels: int = 784) -> float:
    """Return the rate in bits per pixel of a code costing bits_per_image (28 x 28 = 784 pixels by default)."""
    if not isinstance(pixels, int) or pixels < 1 or not math.isfinite(bits_per_image) or bits_per_image < 0:
        raise ValueError(f"Need bits_per_image >= 0 and a positive int pixels, got {bits_per_image!r}, {pixels!r}.")
    return bits_per_image / pixels
