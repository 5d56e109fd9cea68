"""Tests for course_utils.corruption: each process is repeatable, stays in [0, 1], and rejects bad input."""

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
    ([[0.5]], TypeError, "torch tensor"),
    (torch.ones(2, 1, 28, 28, dtype=torch.uint8), TypeError, "floats"),
    (torch.full((2, 1, 28, 28), 255.0), ValueError, r"\[0, 1\]"),
])
def test_rejects_bad_images(bad, error, message):
    for corrupt in (gaussian_noise, salt_and_pepper, mask_pixels):
        with pytest.raises(error, match=message):
            corrupt(bad, 0.1)


def test_rejects_bad_levels_and_seeds():
    with pytest.raises(ValueError, match="sigma"):
        gaussian_noise(X, -0.1)
    with pytest.raises(ValueError, match="sigma"):
        gaussian_noise(X, 2.0)
    with pytest.raises(TypeError, match="sigma"):
        gaussian_noise(X, "0.1")
    with pytest.raises(ValueError, match="rate"):
        salt_and_pepper(X, 1.5)
    with pytest.raises(TypeError, match="rate"):
        mask_pixels(X, float("nan"))
    with pytest.raises(ValueError, match="size"):
        occlude(X, 29)
    with pytest.raises(ValueError, match="N, C, H, W"):
        occlude(X[:, 0], 3)
    with pytest.raises(ValueError, match="not both"):
        gaussian_noise(X, 0.1, seed=0, generator=torch.Generator())
    with pytest.raises(TypeError, match="seed"):
        gaussian_noise(X, 0.1, seed=1.5)
    with pytest.raises(TypeError, match="generator"):
        gaussian_noise(X, 0.1, generator=0)
