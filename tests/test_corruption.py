"""Tests for course_utils.corruption: each process is repeatable, stays in [0, 1], and rejects bad input."""

import numpy as np
import pytest
import torch

from course_utils.corruption import gaussian_noise, mask_pixels, occlude, salt_and_pepper

X = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("corrupt, level", [(gaussian_noise, 0.3), (salt_and_pepper, 0.2), (mask_pixels, 0.3),
                                            (occlude, 8)])
def test_repeatable_new_tensor_in_range(corrupt, level):
    before = X.clone()
    out = corrupt(X, level, seed=3)
    assert out.shape == X.shape and out.dtype == X.dtype
    assert torch.equal(X, before), "the input must not change"
    assert out.min() >= 0 and out.max() <= 1
    assert torch.equal(out, corrupt(X, level, seed=3))
    assert not torch.equal(out, corrupt(X, level, seed=4))
    generator = torch.Generator().manual_seed(3)
    first, second = corrupt(X, level, generator=generator), corrupt(X, level, generator=generator)
    assert torch.equal(first, out) and not torch.equal(first, second), "a generator gives fresh noise each call"


def test_levels_do_what_they_say():
    assert torch.equal(gaussian_noise(X, 0.0, seed=0), X)
    assert torch.equal(salt_and_pepper(X, 0.0, seed=0), X)
    assert torch.equal(mask_pixels(X, 1.0, seed=0), torch.zeros_like(X))
    gray = torch.full((200, 1, 28, 28), 0.5)
    noisy = gaussian_noise(gray, 0.1, seed=0)
    assert abs((noisy - gray).std().item() - 0.1) < 0.005  # no clipping this far from 0 and 1
    changed = (salt_and_pepper(gray, 0.25, seed=0) != gray).float().mean().item()
    assert abs(changed - 0.25) < 0.01
    sp = salt_and_pepper(gray, 1.0, seed=0)
    assert set(sp.unique().tolist()) == {0.0, 1.0}
    assert abs((mask_pixels(gray, 0.4, seed=0) == 0).float().mean().item() - 0.4) < 0.01
    ones = torch.ones(50, 1, 28, 28)
    assert ((occlude(ones, 6, seed=0) == 0).flatten(1).sum(dim=1) == 36).all()  # one 6x6 square per image


def test_clipping():
    assert gaussian_noise(torch.zeros(10, 1, 28, 28), 0.5, seed=0).min() == 0
    assert gaussian_noise(torch.ones(10, 1, 28, 28), 0.5, seed=0).max() == 1


@pytest.mark.parametrize("bad, error, message", [
    ([[0.5]], TypeError, "x must be a torch tensor"),
    (torch.ones(2, 1, 28, 28, dtype=torch.uint8), TypeError, "x must hold floats"),
    (torch.full((2, 1, 28, 28), 255.0), ValueError, r"x must hold values in \[0, 1\].*divide by 255"),
    (torch.full((2, 1, 28, 28), float("nan")), ValueError, "x must hold finite values, got NaN"),
    (torch.zeros(0, 1, 28, 28), ValueError, "x must not be empty"),
])
def test_rejects_bad_images(bad, error, message):
    for corrupt, level in ((gaussian_noise, 0.1), (salt_and_pepper, 0.1), (mask_pixels, 0.1), (occlude, 3)):
        with pytest.raises(error, match=message):
            corrupt(bad, level)


def test_rejects_bad_levels_and_seeds():
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0 and <= 1, got -0.1"):
        gaussian_noise(X, -0.1)
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0 and <= 1, got 2"):
        gaussian_noise(X, 2.0)
    with pytest.raises(TypeError, match="sigma must be a finite number >= 0 and <= 1, got '0.1'"):
        gaussian_noise(X, "0.1")
    with pytest.raises(TypeError, match="sigma must be a finite number >= 0 and <= 1, got True"):
        gaussian_noise(X, True)
    with pytest.raises(ValueError, match="rate must be a finite number >= 0 and <= 1, got 1.5"):
        salt_and_pepper(X, 1.5)
    with pytest.raises(ValueError, match="rate must be a finite number >= 0 and <= 1, got nan"):
        mask_pixels(X, float("nan"))
    with pytest.raises(ValueError, match="size must be an integer >= 1 and <= 28, got 29"):
        occlude(X, 29)
    with pytest.raises(TypeError, match="size must be an integer >= 1 and <= 28, got 2.5"):
        occlude(X, 2.5)
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        occlude(X[:, 0], 3)
    with pytest.raises(ValueError, match="Pass either seed or generator, not both"):
        gaussian_noise(X, 0.1, seed=0, generator=torch.Generator())
    with pytest.raises(TypeError, match="seed must be an integer >= 0 and <= 4294967295, got 1.5"):
        gaussian_noise(X, 0.1, seed=1.5)
    with pytest.raises(TypeError, match="generator must be a torch.Generator, .*got 0"):
        gaussian_noise(X, 0.1, generator=0)


def test_numpy_scalars_are_numbers():
    assert torch.equal(gaussian_noise(X, np.float32(0.1), seed=np.int64(0)), gaussian_noise(X, 0.1, seed=0))
    assert occlude(X, np.int64(4), seed=0).shape == X.shape
