"""Corruption processes for denoising autoencoders: Gaussian noise, salt-and-pepper, masking and occlusion.

Each function returns a new tensor clipped to [0, 1] and leaves its input untouched. Pass
`seed` (an int) for a repeatable one-off corruption, or `generator` (a torch.Generator whose
state moves on) for fresh but repeatable noise on every call, e.g. once per training batch.
"""

from __future__ import annotations

import math

import torch


def _check_images(x: torch.Tensor) -> None:
    """Raise a helpful error unless x is a float tensor with values in [0, 1]."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch tensor of images, got {type(x).__name__}.")
    if not x.is_floating_point():
        raise TypeError(f"x must hold floats in [0, 1], got dtype {x.dtype}; use x.float() / 255.")
    if x.numel() and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"x must hold pixel values in [0, 1], got {x.min().item():.3g}..{x.max().item():.3g}; "
                         "divide 0-255 images by 255.")


def _check_level(value: object, name: str) -> float:
    """Return value as a float after checking that it is a real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"{name} must be a number in [0, 1], got {value!r}.")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value}.")
    return float(value)


def _generator(seed: int | None, generator: torch.Generator | None) -> torch.Generator | None:
    """Return the generator to draw from: a fresh one for seed, the given one, or None (torch's global stream)."""
    if seed is not None and generator is not None:
        raise ValueError("Pass either seed or generator, not both.")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {seed!r}.")
        return torch.Generator().manual_seed(seed)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}.")
    return generator


def _draw(kind: str, shape: torch.Size, like: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Return standard normal ('randn') or uniform ('rand') numbers of shape, on like's device and dtype."""
    draw = torch.randn if kind == "randn" else torch.rand
    if generator is None:
        return draw(shape, device=like.device, dtype=like.dtype)
    # Draw on the generator's device, then move: the same seed gives the same noise on CPU and GPU.
    return draw(shape, generator=generator, device=generator.device).to(like.device, like.dtype)


def gaussian_noise(
    x: torch.Tensor, sigma: float, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return x + sigma * standard normal noise, clipped to [0, 1]."""
    _check_images(x)
    sigma = _check_level(sigma, "sigma")
    noise = _draw("randn", x.shape, x, _generator(seed, generator))
    return (x + sigma * noise).clamp(0.0, 1.0)


def salt_and_pepper(
    x: torch.Tensor, rate: float, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return x with a fraction `rate` of pixels set to 0 or 1 (each equally likely)."""
    _check_images(x)
    rate = _check_level(rate, "rate")
    gen = _generator(seed, generator)
    hit = _draw("rand", x.shape, x, gen) < rate
    salt = _draw("rand", x.shape, x, gen) < 0.5
    return torch.where(hit, salt.to(x.dtype), x)


def mask_pixels(
    x: torch.Tensor, rate: float, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return x with a fraction `rate` of pixels set to 0 (masking noise: pixels dropped at random)."""
    _check_images(x)
    rate = _check_level(rate, "rate")
    keep = _draw("rand", x.shape, x, _generator(seed, generator)) >= rate
    return x * keep.to(x.dtype)


def occlude(
    x: torch.Tensor, size: int, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return images x of shape (N, C, H, W) with one black size x size square per image at a random place."""
    _check_images(x)
    if x.ndim != 4:
        raise ValueError(f"occlude expects images of shape (N, C, H, W), got {tuple(x.shape)}.")
    height, width = x.shape[-2:]
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= min(height, width):
        raise ValueError(f"size must be an int from 1 to {min(height, width)}, got {size!r}.")
    gen = _generator(seed, generator)
    tops = (_draw("rand", torch.Size([len(x)]), x, gen) * (height - size + 1)).long().clamp(max=height - size)
    lefts = (_draw("rand", torch.Size([len(x)]), x, gen) * (width - size + 1)).long().clamp(max=width - size)
    rows = torch.arange(height, device=x.device).view(1, height, 1)
    cols = torch.arange(width, device=x.device).view(1, 1, width)
    inside = ((rows >= tops.view(-1, 1, 1)) & (rows < tops.view(-1, 1, 1) + size)
              & (cols >= lefts.view(-1, 1, 1)) & (cols < lefts.view(-1, 1, 1) + size))  # (N, H, W)
    return x * (~inside).unsqueeze(1).to(x.dtype)
