"""Checks for notebook 09, compression: a code's rate in bits, and the entropy of a distribution."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from course_utils.checks._core import (
    MNIST_SHAPE,
    ExerciseError,
    answer_number,
    call_student,
    confirm,
    image_shape,
    matches,
    skips_unsolved,
)


@skips_unsolved
def check_codec_rate(rate_of: Callable[[int, int], tuple[float, float, float]], *,
                     input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check a function (latent_dim, bits) -> (bits per image, bits per pixel, compression ratio); returns None."""
    input_shape = image_shape(input_shape)
    pixels = math.prod(input_shape)
    sizes = " * ".join(str(size) for size in input_shape if size > 1) or "1"
    for latent_dim, bits in ((16, 4), (8, 6), (32, 2)):
        per_image = latent_dim * bits
        expected = (per_image, per_image / pixels, pixels * 8 / per_image)
        answer = call_student(rate_of, latent_dim, bits, what=f"rate_of({latent_dim}, {bits})")
        if not isinstance(answer, tuple) or len(answer) != 3:
            raise ExerciseError("Return a tuple of three numbers: (bits per image, bits per pixel, compression ratio).")
        for name, value, target, hint in zip(
            ("bits per image", "bits per pixel", "compression ratio"), answer, expected,
            ("Each of the latent_dim numbers costs `bits` bits.", f"Divide by the {sizes} = {pixels} pixels.",
             f"The raw image costs {pixels} pixels * 8 bits; divide that by the code's bits.")):
            value = answer_number(value, f"your {name}")
            if not matches(value, target, atol=1e-6, rtol=1e-6):
                raise ExerciseError(f"For latent_dim={latent_dim}, bits={bits} your {name} is {value:.4g}, "
                                    f"expected {target:.4g}. {hint}")
    confirm(f"16 dimensions at 4 bits cost 64 bits per image, {64 / pixels:.3f} bits per pixel, "
            f"{pixels * 8 / 64:.0f}x smaller than 8-bit pixels.")


@skips_unsolved
def check_entropy_function(entropy_bits: Callable[[torch.Tensor], float]) -> None:
    """Check a function probabilities -> entropy in bits against known distributions; returns None."""
    cases = (([0.125] * 8, 3.0, "Eight equally likely symbols need log2(8) = 3 bits."),
             ([0.5, 0.25, 0.25], 1.5, "Use log base 2: -sum p * log2(p)."),
             ([1.0, 0.0, 0.0], 0.0, "Symbols with p = 0 contribute nothing (0 * log 0 = 0): mask them out, "
                                    "or you get NaN."))
    for probabilities, expected, hint in cases:
        call = f"entropy_bits(torch.tensor({probabilities}))"
        value = answer_number(call_student(entropy_bits, torch.tensor(probabilities), what=call), call, finite=False)
        if not matches(value, expected, atol=1e-5):
            raise ExerciseError(f"For p = {probabilities} you return {value:.4g} bits, expected {expected:g}. {hint}")
    confirm("entropy in bits: 3 for 8 equally likely symbols, 1.5 for (1/2, 1/4, 1/4), 0 for a certain symbol.")
