"""An autoencoder (or PCA) as a lossy codec: uniform quantisation of codes, their bit cost, and reference codecs.

The quantiser's range is learned once from training codes and shared by encoder and decoder,
like a codec's tables, so it costs nothing per image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import torch

from course_utils._validation import (
    check_grey_images,
    check_int,
    check_number,
    check_range,
    check_same_shape,
    check_tensor,
    describe,
)

MAX_BITS = 16  # 65,536 levels per dimension: far beyond what a code needs


@dataclass(frozen=True)
class UniformQuantizer:
    """A per-dimension uniform quantiser with 2**bits levels between low and high (both of shape (D,))."""

    low: torch.Tensor
    high: torch.Tensor
    bits: int

    def __post_init__(self) -> None:
        """Check that low and high are finite (D,) float tensors with low < high, and bits an int from 1 to 16."""
        check_tensor(self.low, "low", ndim=1)
        check_tensor(self.high, "high", ndim=1)
        check_same_shape(self.low, self.high, ("low", "high"))
        if not bool((self.low < self.high).all()):
            raise ValueError(f"low must be below high in every dimension, got low={describe(self.low)} and "
                             f"high={describe(self.high)} with low >= high somewhere.")
        object.__setattr__(self, "bits", check_int(self.bits, "bits", maximum=MAX_BITS))  # frozen: set it this way

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
        z = check_tensor(z, "z", shape=self.low.shape)  # (N, D): D as in fitting
        index = torch.floor((z.detach().cpu() - self.low) / self.step)
        return index.clamp(0, self.levels - 1).long()

    def dequantize(self, q: torch.Tensor) -> torch.Tensor:
        """Return the float codes (N, D) at the centres of the cells that level indices q point to."""
        q = check_tensor(q, "q", shape=self.low.shape, dtype="integer")  # (N, D) from quantize()
        check_range(q, "q", 0, self.levels - 1)
        return self.low + (q.cpu().float() + 0.5) * self.step


def fit_quantizer(z_train: torch.Tensor, *, bits: int) -> UniformQuantizer:
    """Return a UniformQuantizer whose per-dimension range is the min..max of the training codes z_train (N, D)."""
    z_train = check_tensor(z_train, "z_train", ndim=2)  # (N, D) codes, e.g. from model.encoder
    bits = check_int(bits, "bits", maximum=MAX_BITS)
    z = z_train.detach().cpu().float()
    low, high = z.min(dim=0).values, z.max(dim=0).values
    # A constant dimension still gets a non-empty range (relative, so that it survives float32 rounding).
    high = torch.where(high > low, high, low + 1e-6 * low.abs().clamp(min=1.0))
    return UniformQuantizer(low=low, high=high, bits=bits)


def entropy_bits_per_image(q_eval: torch.Tensor, q_fit: torch.Tensor, *, levels: int) -> float:
    """Return the ideal coded size, in bits per image, of level indices q_eval under per-dimension symbol
    frequencies counted on q_fit (add-one smoothed): what an entropy coder trained on q_fit would approach."""
    levels = check_int(levels, "levels", minimum=2)  # quantizer.levels
    q_eval = check_tensor(q_eval, "q_eval", ndim=2, dtype="integer")  # (N, D) from quantize()
    q_fit = check_tensor(q_fit, "q_fit", shape=q_eval.shape[1:], dtype="integer")  # (M, D): the same D
    check_range(q_eval, "q_eval", 0, levels - 1)
    check_range(q_fit, "q_fit", 0, levels - 1)
    total = 0.0
    for dim in range(q_fit.shape[1]):
        counts = torch.bincount(q_fit[:, dim].cpu(), minlength=levels).double() + 1.0  # add-one: no zero probability
        log2_p = torch.log2(counts / counts.sum())
        total -= log2_p[q_eval[:, dim].cpu()].sum().item()
    return total / len(q_eval)


def _to_uint8_images(images: torch.Tensor) -> np.ndarray:
    """Return checked grey images (N, 1, H, W) or (N, H, W) in [0, 1] as a uint8 array (N, H, W)."""
    images = check_grey_images(images, "images")
    array = images.detach().cpu().double().reshape(len(images), *images.shape[-2:]).numpy()
    return np.round(array * 255).astype(np.uint8)


def jpeg_roundtrip(images: torch.Tensor, *, quality: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (decoded images in the input's shape, file size in bytes per image) for Pillow's JPEG at quality.

    Saved with optimize=True (Huffman tables fitted to each image): lossless, and the fair setting
    against PNG, which png_sizes also saves optimised.
    """
    from PIL import Image

    quality = check_int(quality, "quality", maximum=95)  # Pillow advises against quality above 95
    decoded, sizes = [], []
    for array in _to_uint8_images(images):
        buffer = io.BytesIO()
        Image.fromarray(array).save(buffer, format="JPEG", quality=quality, optimize=True)
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
    return check_number(bits_per_image, "bits_per_image", minimum=0.0) / check_int(pixels, "pixels")
