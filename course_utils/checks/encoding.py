"""Checks for notebooks 01-03, codes and reconstructions: PCA's per-image error and variance (01),
the encoder (02), the decoder and the whole autoencoder (03)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from course_utils._validation import check_bool, check_int, check_number, describe
from course_utils.checks._core import (
    MNIST_SHAPE,
    ExerciseError,
    answer_tensor,
    call_student,
    confirm,
    image_shape,
    matches,
    require_answer,
    skips_unsolved,
)
from course_utils.metrics import mse_per_image

BROKEN_OUTPUT = "Look for a division by 0 or a log of a number <= 0 in its layers, or for NaN weights."


def _batch_text(input_shape: tuple[int, ...]) -> str:
    """Return the shape of a batch of such images as text, e.g. '(N, 1, 28, 28)'."""
    return "(N, " + ", ".join(str(size) for size in input_shape) + ")"


def _run_part(part: nn.Module, x: torch.Tensor, *, what: str, expected: tuple[int, ...], shape_hint: str,
              fail_hint: str) -> torch.Tensor:
    """Return part(x), computed without gradients, after checking it is a finite tensor of the expected shape."""
    with torch.no_grad():
        out = call_student(part, x, what=what, hint=fail_hint)
    subject = what[:1].upper() + what[1:]
    if not isinstance(out, torch.Tensor):
        raise ExerciseError(f"{subject} should return a torch tensor, but it returns {describe(out)}.")
    if tuple(out.shape) != expected:
        raise ExerciseError(f"{subject} maps {tuple(x.shape)} to {tuple(out.shape)}, expected {expected}. {shape_hint}")
    answer_tensor(out, f"{what}'s output", hint=BROKEN_OUTPUT)
    return out


def _require_pixels(x_hat: torch.Tensor, hint: str) -> None:
    """Raise an ExerciseError unless every pixel of x_hat lies in [0, 1]."""
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError(f"The decoder's pixels span {x_hat.min().item():.3g}..{x_hat.max().item():.3g}, "
                            f"outside [0, 1]. {hint}")


@skips_unsolved
def check_mse_per_image(mse_per_image_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *,
                        input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that mse_per_image_fn(x, x_hat) returns each image's mean squared error, shape (N,); returns None."""
    input_shape = image_shape(input_shape)
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(3, *input_shape, generator=generator)  # (N, *input_shape)
    x_hat = torch.rand(3, *input_shape, generator=generator)  # (N, *input_shape)
    result = call_student(mse_per_image_fn, x, x_hat, hint=f"It was given x and x_hat of shape {tuple(x.shape)}: "
                          "use tensor operations that work on whole batches.")
    value = answer_tensor(result, "your function's result")
    expected = mse_per_image(x.double(), x_hat.double())  # (N,): the course's reference
    if tuple(value.shape) != (3,):
        raise ExerciseError(f"For 3 images your function returns shape {tuple(value.shape)}, expected (3,): "
                            "one number per image. Flatten each image with .flatten(1), then average over dim=1.")
    pixels = math.prod(input_shape)
    if matches(value, expected):
        confirm(f"one mean squared error per image, averaged over its {pixels} pixels.")
        return
    if matches(value, expected * pixels, atol=1e-3):
        raise ExerciseError(f"Your errors are {pixels} times too large: you summed over the pixels. "
                            "Average with .mean(dim=1).")
    if matches(value, expected.sqrt()):
        raise ExerciseError("You return the root of the MSE: drop the square root.")
    raise ExerciseError(f"Your errors {value.numpy().round(4)} differ from the expected {expected.numpy().round(4)}. "
                        "Square the differences (x - x_hat) ** 2 before averaging.")


@skips_unsolved
def check_components_for_variance(k: int, explained_variance_ratio: object, *, fraction: float) -> None:
    """Check that k is the smallest number of components whose explained variance reaches fraction; returns None."""
    fraction = check_number(fraction, "fraction", minimum=0, maximum=1)
    try:
        ratios = torch.as_tensor(np.asarray(explained_variance_ratio, dtype=np.float64)).flatten()  # (k_max,)
    except (TypeError, ValueError) as err:
        raise TypeError("explained_variance_ratio must be a 1-D array of numbers (pca.explained_variance_ratio_), "
                        f"got {describe(explained_variance_ratio)}.") from err
    cumulative = torch.cumsum(ratios, dim=0)
    require_answer(k, "k")
    whole = isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_))
    if not whole and not (isinstance(k, torch.Tensor) and k.numel() == 1):
        raise ExerciseError(f"k should be one whole number of components, got {type(k).__name__}. Use int(...).")
    k = int(k)
    if k < 1 or k > len(cumulative):
        raise ExerciseError(f"k = {k} is outside 1..{len(cumulative)}, the number of components fitted.")
    kept = cumulative[k - 1].item()
    if kept < fraction:
        raise ExerciseError(f"The first {k} components keep only {kept:.1%} of the variance, less than "
                            f"{fraction:.0%}. Did you count from 0? k components cover cumsum[k - 1].")
    if k > 1 and cumulative[k - 2] >= fraction:
        raise ExerciseError(f"{k - 1} components already keep {cumulative[k - 2].item():.1%}: k = {k} is not the "
                            "smallest. Take the first index where the cumulative sum reaches the fraction, plus one.")
    confirm(f"{k} components keep {kept:.1%} of the variance; {k - 1} would not reach {fraction:.0%}.")


@skips_unsolved
def check_encoder(encoder: nn.Module, *, latent_dim: int, linear_code: bool = True,
                  input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that encoder maps images (N, *input_shape) to codes (N, latent_dim), linear if asked; returns None."""
    latent_dim, linear_code = check_int(latent_dim, "latent_dim"), check_bool(linear_code, "linear_code")
    input_shape = image_shape(input_shape)
    require_answer(encoder, "the encoder")
    if not isinstance(encoder, nn.Module):
        raise ExerciseError(f"The encoder should be an nn.Module, got {type(encoder).__name__}.")
    x = torch.rand(16, *input_shape, generator=torch.Generator().manual_seed(0))  # (16, *input_shape)
    batch = _batch_text(input_shape)
    z = _run_part(encoder, x, what="the encoder", expected=(16, latent_dim),
                  shape_hint=f"End it with nn.Linear(..., {latent_dim}).",
                  fail_hint=f"It was given images of shape {tuple(x.shape)}. Flatten them first: nn.Flatten() "
                            f"turns {batch} into (N, {math.prod(input_shape)}).")
    if linear_code and not (z < 0).any():
        raise ExerciseError("Every code value is >= 0: an activation (ReLU?) follows the last layer. "
                            "Leave the code linear so that no code dimension can be switched off.")
    confirm(f"images {batch} -> codes (N, {latent_dim})" + (", with a linear code." if linear_code else "."))


@skips_unsolved
def check_decoder(decoder: nn.Module, *, latent_dim: int, input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that decoder maps codes (N, latent_dim) to images (N, *input_shape) in [0, 1]; returns None."""
    latent_dim, input_shape = check_int(latent_dim, "latent_dim"), image_shape(input_shape)
    require_answer(decoder, "the decoder")
    if not isinstance(decoder, nn.Module):
        raise ExerciseError(f"The decoder should be an nn.Module, got {type(decoder).__name__}.")
    z = 10 * torch.randn(16, latent_dim, generator=torch.Generator().manual_seed(0))  # (16, latent_dim), large codes
    x_hat = _run_part(decoder, z, what="the decoder", expected=(16, *input_shape),
                      shape_hint=f"End with nn.Linear(..., {math.prod(input_shape)}) and "
                                 f"nn.Unflatten(1, {input_shape}).",
                      fail_hint=f"It was given codes of shape (16, {latent_dim}): its first layer should be "
                                f"nn.Linear({latent_dim}, ...).")
    _require_pixels(x_hat, "Put nn.Sigmoid() after the last nn.Linear.")
    confirm(f"codes (N, {latent_dim}) -> images {_batch_text(input_shape)} with pixels in [0, 1].")


@skips_unsolved
def check_autoencoder(model: nn.Module, *, latent_dim: int, input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that model has encoder and decoder parts mapping (N, *input_shape) -> (N, latent_dim) -> back."""
    latent_dim, input_shape = check_int(latent_dim, "latent_dim"), image_shape(input_shape)
    require_answer(model, "your model")
    for part in ("encoder", "decoder"):
        if not isinstance(getattr(model, part, None), nn.Module):
            raise ExerciseError(f"The model needs an attribute `{part}` that is an nn.Module "
                                f"(set self.{part} = nn.Sequential(...) in __init__).")
    x = torch.rand(5, *input_shape, generator=torch.Generator().manual_seed(0))  # (5, *input_shape)
    batch = _batch_text(input_shape)
    z = _run_part(model.encoder, x, what="the encoder", expected=(5, latent_dim),
                  shape_hint="Did you flatten the image first and end with nn.Linear(..., latent_dim)?",
                  fail_hint=f"It was given images of shape {tuple(x.shape)}: flatten them first with nn.Flatten().")
    x_hat = _run_part(model.decoder, z, what="the decoder", expected=tuple(x.shape),
                      shape_hint=f"End it with nn.Unflatten(1, {input_shape}).",
                      fail_hint=f"It was given the encoder's codes of shape (5, {latent_dim}): its first layer "
                                f"should be nn.Linear({latent_dim}, ...).")
    _require_pixels(x_hat, "Pixels live in [0, 1], so end the decoder with nn.Sigmoid().")
    confirm(f"encoder {batch} -> (N, {latent_dim}), decoder back to {batch} in [0, 1].")
