"""Tests for course_utils.compression: the quantiser, bit counts, entropy estimate and reference codecs."""

import math

import numpy as np
import pytest
import torch

from course_utils.compression import (
    UniformQuantizer,
    bits_per_pixel,
    entropy_bits_per_image,
    fit_quantizer,
    jpeg_roundtrip,
    png_sizes,
)

Z = torch.randn(500, 6, generator=torch.Generator().manual_seed(0)) * torch.tensor([1.0, 2, 3, 4, 5, 6])


def test_quantizer_learns_range_and_roundtrips_within_half_a_step():
    quantizer = fit_quantizer(Z, bits=4)
    assert isinstance(quantizer, UniformQuantizer)
    assert quantizer.levels == 16 and quantizer.bits_per_image == 24
    assert torch.allclose(quantizer.low, Z.min(dim=0).values) and torch.allclose(quantizer.high, Z.max(dim=0).values)
    q = quantizer.quantize(Z)
    assert q.dtype == torch.int64 and q.min() == 0 and q.max() == 15
    error = (quantizer.dequantize(q) - Z).abs()
    assert (error <= quantizer.step / 2 + 1e-5).all()


def test_more_bits_less_error_and_outside_values_clip():
    errors = [(fit_quantizer(Z, bits=b).dequantize(fit_quantizer(Z, bits=b).quantize(Z)) - Z).pow(2).mean()
              for b in (2, 4, 8)]
    assert errors[0] > errors[1] > errors[2]
    quantizer = fit_quantizer(Z, bits=3)
    far = torch.full((2, 6), 1e3)
    assert (quantizer.quantize(far) == 7).all() and (quantizer.quantize(-far) == 0).all()


def test_constant_dimension_and_one_bit():
    z = torch.zeros(10, 2)
    quantizer = fit_quantizer(z, bits=1)
    assert torch.allclose(quantizer.dequantize(quantizer.quantize(z)), z, atol=1e-5)


def test_entropy_estimate():
    q_uniform = torch.arange(8).repeat(100).view(-1, 1)  # all 8 levels equally often: 3 bits
    assert entropy_bits_per_image(q_uniform, q_uniform, levels=8) == pytest.approx(3.0, abs=1e-3)
    q_constant = torch.zeros(1000, 2, dtype=torch.int64)  # one symbol: close to 0 bits
    assert entropy_bits_per_image(q_constant, q_constant, levels=8) < 0.03
    assert entropy_bits_per_image(q_constant, q_constant, levels=8) > 0
    # Symbols never seen in fitting still cost a finite (large) number of bits thanks to add-one smoothing.
    unseen = entropy_bits_per_image(torch.ones(5, 2, dtype=torch.int64), q_constant, levels=8)
    assert math.isfinite(unseen) and unseen == pytest.approx(2 * math.log2(1008), abs=1e-6)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="bits must be an integer >= 1 and <= 16, got 0"):
        fit_quantizer(Z, bits=0)
    with pytest.raises(TypeError, match="bits must be an integer >= 1 and <= 16, got 2.5"):
        fit_quantizer(Z, bits=2.5)
    with pytest.raises(ValueError, match="z_train must have 2 dimensions"):
        fit_quantizer(Z[0], bits=2)
    with pytest.raises(TypeError, match="z_train must be a torch tensor"):
        fit_quantizer(Z.numpy(), bits=2)
    with pytest.raises(ValueError, match="z_train must hold finite values, got NaN"):
        fit_quantizer(torch.tensor([[float("nan")]]), bits=2)
    with pytest.raises(ValueError, match="z_train must not be empty"):
        fit_quantizer(torch.zeros(0, 3), bits=2)
    quantizer = fit_quantizer(Z, bits=2)
    with pytest.raises(ValueError, match=r"z must have shape \(N, 6\), got a tensor of shape \(3, 5\)"):
        quantizer.quantize(torch.zeros(3, 5))
    with pytest.raises(TypeError, match="q must hold integers"):
        quantizer.dequantize(torch.zeros(3, 6))
    with pytest.raises(ValueError, match=r"q must hold values in \[0, 3\], got values from 4 to 4"):
        quantizer.dequantize(torch.full((3, 6), 4))
    q = quantizer.quantize(Z)
    with pytest.raises(ValueError, match="levels must be an integer >= 2, got 1"):
        entropy_bits_per_image(q, q, levels=1)
    with pytest.raises(ValueError, match=r"q_eval must hold values in \[0, 1\]"):
        entropy_bits_per_image(q, q, levels=2)
    with pytest.raises(ValueError, match=r"q_fit must have shape \(N, 2\), got a tensor of shape \(500, 6\)"):
        entropy_bits_per_image(q[:, :2], q, levels=4)
    with pytest.raises(ValueError, match="bits_per_image must be a finite number >= 0, got -1"):
        bits_per_pixel(-1.0)
    with pytest.raises(ValueError, match="pixels must be a positive integer, got 0"):
        bits_per_pixel(1.0, pixels=0)
    with pytest.raises(ValueError, match="low must be below high"):
        UniformQuantizer(low=torch.zeros(2), high=torch.zeros(2), bits=2)
    with pytest.raises(TypeError, match="bits must be an integer >= 1 and <= 16, got True"):
        UniformQuantizer(low=torch.zeros(2), high=torch.ones(2), bits=True)
    assert fit_quantizer(Z, bits=np.int64(3)).levels == 8


def test_reference_codecs():
    x = torch.zeros(3, 1, 28, 28)
    x[:, :, 8:20, 10:18] = 1.0
    x_hat, sizes = jpeg_roundtrip(x, quality=90)
    assert x_hat.shape == x.shape and sizes.shape == (3,)
    assert (sizes > 100).all()  # JPEG's header alone is a few hundred bytes
    assert (x_hat - x).abs().mean() < 0.05
    low_quality = jpeg_roundtrip(x, quality=10)[1]
    assert (low_quality <= sizes).all()
    assert (png_sizes(x) > 0).all()
    assert bits_per_pixel(784.0) == 1.0
    with pytest.raises(ValueError, match="quality must be an integer >= 1 and <= 95, got 0"):
        jpeg_roundtrip(x, quality=0)
    with pytest.raises(ValueError, match=r"images must hold values in \[0, 1\].*divide by 255"):
        png_sizes(x * 255)
    with pytest.raises(ValueError, match=r"images must be grey images of shape \(N, 1, H, W\) or \(N, H, W\)"):
        png_sizes(torch.zeros(3, 3, 28, 28))
    with pytest.raises(ValueError, match="images must hold finite values, got NaN"):
        jpeg_roundtrip(torch.full((2, 1, 28, 28), float("nan")), quality=90)


def test_a_constant_code_dimension_far_from_zero_still_gets_a_range():
    quantizer = fit_quantizer(torch.full((4, 1), 1e4), bits=2)
    assert (quantizer.high > quantizer.low).all()
    assert quantizer.quantize(torch.full((4, 1), 1e4)).tolist() == [[0]] * 4
