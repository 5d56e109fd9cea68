"""The one validation layer: every public function in course_utils checks its arguments through these.

Each check either returns the value in a normal form (an int, a float, a NumPy array) or raises a
TypeError / ValueError whose message names the argument, says what was expected and what was given.
Booleans are never numbers here; NumPy scalars always are.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Sequence

import numpy as np
import torch


def describe(value: object) -> str:
    """Return a short description of value for an error message: type, and shape and dtype for arrays."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return f"{text[:60]}..." if len(text) > 63 else text


def _is_int(value: object) -> bool:
    """Return whether value is an integer (Python or NumPy), booleans excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value: object, name: str, *, minimum: int | None = 1, maximum: int | None = None) -> int:
    """Return value as an int after checking that it is an integer in [minimum, maximum]."""
    low = "" if minimum is None else f" >= {minimum}"
    high = "" if maximum is None else f" <= {maximum}"
    expected = f"an integer{low}{' and' if low and high else ''}{high}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}.")
    value = int(value)  # type: ignore[arg-type]
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value}.")
    return value


def check_number(
    value: object, name: str, *, minimum: float | None = None, maximum: float | None = None,
    strict_minimum: bool = False,
) -> float:
    """Return value as a float after checking that it is a finite real number in the given range."""
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if strict_minimum else '>='} {minimum:g}")
    if maximum is not None:
        parts.append(f"<= {maximum:g}")
    expected = "a finite number" + (" " + " and ".join(parts) if parts else "")
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.dtype == torch.bool:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {expected}, got {value}.")
    too_low = minimum is not None and (value <= minimum if strict_minimum else value < minimum)
    if too_low or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value:g}.")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return value after checking that it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def check_choice(value: object, name: str, choices: Collection[str]) -> str:
    """Return value after checking that it is one of choices."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {options}, got {describe(value)}.")
    return value


def check_tensor(
    value: object, name: str, *, ndim: int | Sequence[int] | None = None, floating: bool = True,
    allow_empty: bool = False,
) -> torch.Tensor:
    """Return value after checking that it is a torch tensor with ndim dimensions, float dtype and finite values."""
    if not isinstance(value, torch.Tensor):
        hint = " (convert with torch.as_tensor(...))" if isinstance(value, np.ndarray) else ""
        raise TypeError(f"{name} must be a torch tensor, got {describe(value)}{hint}.")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimensions, got {describe(value)}.")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must hold floats, got {describe(value)}; convert with .float().")
    if not allow_empty and value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got {describe(value)}.")
    if value.is_floating_point() and value.numel() and not torch.isfinite(value).all():
        raise ValueError(f"{name} must hold finite values, got NaN or infinity in {describe(value)}.")
    return value


def check_images(
    value: object, name: str, *, shape: tuple[int, ...] | None = None, ndim: int | Sequence[int] | None = None,
    allow_empty: bool = False,
) -> torch.Tensor:
    """Return value after checking that it is a finite float image batch with pixels in [0, 1].

    shape, if given, is the shape of one image, e.g. (1, 28, 28); ndim the allowed numbers of dimensions.
    """
    x = check_tensor(value, name, ndim=ndim, allow_empty=allow_empty)
    if shape is not None and tuple(x.shape[1:]) != tuple(shape):
        expected = "(N, " + ", ".join(str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {expected}, got {describe(x)}. For one image use "
                         "x.unsqueeze(0); for flat vectors use x.view(-1, 1, 28, 28).")
    if x.numel() and (x.min() < 0 or x.max() > 1):
        scale = " (0-255 pixels? divide by 255)" if x.max() > 1.5 else ""
        raise ValueError(f"{name} must hold pixels in [0, 1], got values from {x.min().item():.4g} to "
                         f"{x.max().item():.4g}{scale}.")
    return x


def check_same_shape(a: torch.Tensor, b: torch.Tensor, names: tuple[str, str]) -> None:
    """Raise a ValueError unless tensors a and b have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")


def as_image_array(value: object, name: str, *, unit_range: bool = True) -> np.ndarray:
    """Return images as a float NumPy array (N, H, W), from (N, 1, H, W), (N, H, W) or flat (N, H*W).

    uint8 images (0-255) are scaled to [0, 1]; non-finite values are refused, and so are values
    outside [0, 1] unless unit_range is False (e.g. PCA components or differences).
    """
    if isinstance(value, torch.Tensor):
        array = value.detach().cpu().numpy()
    elif isinstance(value, np.ndarray):
        array = value
    else:
        raise TypeError(f"{name} must be a torch tensor or NumPy array of images, got {describe(value)}.")
    if array.dtype == np.uint8:
        array = array.astype(np.float32) / 255.0
    elif array.dtype.kind == "b" or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold float pixels in [0, 1] or uint8 pixels in 0-255, got {describe(value)}.")
    else:
        array = array.astype(np.float32)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim == 2 and array.shape[1] > 0 and math.isqrt(array.shape[1]) ** 2 == array.shape[1]:
        side = math.isqrt(array.shape[1])
        array = array.reshape(len(array), side, side)
    elif array.ndim != 3:
        raise ValueError(f"{name} must have shape (N, 1, H, W), (N, H, W) or flat square (N, H*W), "
                         f"got {describe(value)}.")
    if len(array) == 0 or array.size == 0:
        raise ValueError(f"{name} must hold at least one image, got {describe(value)}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite pixels, got NaN or infinity in {describe(value)}.")
    if unit_range and (array.min() < 0 or array.max() > 1):
        raise ValueError(f"{name} must hold float pixels in [0, 1] (or uint8 in 0-255), got values from "
                         f"{array.min():.4g} to {array.max():.4g}.")
    return array
