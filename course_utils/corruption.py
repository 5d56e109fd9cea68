"""Corruption processes for denoising autoencoders: Gaussian noise, salt-and-pepper, masking and occlusion.

Each function returns a new tensor clipped to [0, 1] and leaves its input untouched. Pass
`seed` (an int) for a repeatable one-off corruption, or `generator` (a torch.Generator whose
state moves on) for fresh but repeatable noise on every call, e.g. once per training batch.
"""

from __future__ import annotations

import torch

from course_utils._validation import check_images, check_instance, check_int, check_number, check_seed


def _generator(seed: int | None, generator: torch.Generator | None) -> torch.Generator | None:
    """Return the generator to draw from: a fresh one for seed, the given one, or None (torch's global stream)."""
    if seed is not None and generator is not None:
        raise ValueError(f"Pass either seed or generator, not both; got seed={seed!r} and a generator.")
    if seed is not None:
        return torch.Generator().manual_seed(check_seed(seed))
    if generator is not None:
        check_instance(generator, "generator", torch.Generator, "a torch.Generator, e.g. torch.Generator()")
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
    x = check_images(x, "x")
    sigma = check_number(sigma, "sigma", minimum=0.0, maximum=1.0)
    noise = _draw("randn", x.shape, x, _generator(seed, generator))
    return (x + sigma * noise).clamp(0.0, 1.0)


def salt_and_pepper(
    x: torch.Tensor, rate: float, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return x with a fraction `rate` of pixels set to 0 or 1 (each equally likely)."""
    x = check_images(x, "x")
    rate = check_number(rate, "rate", minimum=0.0, maximum=1.0)
    gen = _generator(seed, generator)
    hit = _draw("rand", x.shape, x, gen) < rate
    salt = _draw("rand", x.shape, x, gen) < 0.5
    return torch.where(hit, salt.to(x.dtype), x)


def mask_pixels(
    x: torch.Tensor, rate: float, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return x with a fraction `rate` of pixels set to 0 (masking noise: pixels dropped at random)."""
    x = check_images(x, "x")
    rate = check_number(rate, "rate", minimum=0.0, maximum=1.0)
    keep = _draw("rand", x.shape, x, _generator(seed, generator)) >= rate
    return x * keep.to(x.dtype)


def occlude(
    x: torch.Tensor, size: int, *, seed: int | None = None, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return images x of shape (N, C, H, W) with one black size x size square per image at a random place."""
    x = check_images(x, "x", ndim=4)
    height, width = x.shape[-2:]
    size = check_int(size, "size", maximum=min(height, width))
    gen = _generator(seed, generator)
    tops = (_draw("rand", torch.Size([len(x)]), x, gen) * (height - size + 1)).long().clamp(max=height - size)
    lefts = (_draw("rand", torch.Size([len(x)]), x, gen) * (width - size + 1)).long().clamp(max=width - size)
    rows = torch.arange(height, device=x.device).view(1, height, 1)
    cols = torch.arange(width, device=x.device).view(1, 1, width)
    inside = ((rows >= tops.view(-1, 1, 1)) & (rows < tops.view(-1, 1, 1) + size)
              & (cols >= lefts.view(-1, 1, 1)) & (cols < lefts.view(-1, 1, 1) + size))  # (N, H, W)
    return x * (~inside).unsqueeze(1).to(x.dtype)
