"""The one validation layer: every public function in course_utils checks its arguments through these.

Each check either returns the value in a normal form (an int, a float, a tensor, a NumPy array) or raises a
TypeError / ValueError whose message names the argument, says what was expected and what was given.
Booleans are never numbers here; NumPy scalars always are. Only check_range and the finite check of
check_tensor read tensor values (one reduction each); everything else reads metadata, which costs no GPU sync.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Collection, Iterable, Sequence, Sized
from pathlib import Path
from typing import Any

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
    if maximum is None and minimum in (0, 1):
        expected = "a positive integer" if minimum == 1 else "a non-negative integer"
    else:
        low = "" if minimum is None else f" >= {minimum}"
        high = "" if maximum is None else f" <= {maximum}"
        expected = f"an integer{low}{' and' if low and high else ''}{high}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}.")
    value = int(value)  # type: ignore[arg-type]
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value}.")
    return value


def check_seed(value: object, name: str = "seed") -> int:
    """Return value as an int after checking that it is a seed Python, NumPy and torch all accept: 0 to 2**32 - 1."""
    return check_int(value, name, minimum=0, maximum=2**32 - 1)


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


def check_str(value: object, name: str) -> str:
    """Return value after checking that it is a string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {describe(value)}.")
    return value


def check_choice(value: object, name: str, choices: Collection[str]) -> str:
    """Return value after checking that it is one of choices."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {options}, got {describe(value)}.")
    return value


def check_instance(value: Any, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
    """Return value after checking isinstance(value, kind); expected says what that is, e.g. 'a torch.nn.Module'."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}.")
    return value


def check_path(value: object, name: str) -> Path:
    """Return value as a Path after checking that it is a non-empty str or os.PathLike."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (a str or pathlib.Path), got {describe(value)}.")
    if not str(value).strip():
        raise ValueError(f"{name} must be a path, got an empty string.")
    return Path(value)


def check_device(value: object, name: str) -> torch.device:
    """Return value as a torch.device after checking that it names a device type that is available here."""
    expected = "a device such as 'cpu', 'cuda', 'cuda:0' or 'mps'"
    if not isinstance(value, (str, torch.device)):
        raise TypeError(f"{name} must be {expected} (a str or torch.device), got {describe(value)}.")
    try:
        device = torch.device(value)
    except RuntimeError:
        raise ValueError(f"{name} must be {expected}, got {value!r}.") from None
    if device.type == "cuda":
        available = torch.cuda.is_available() and (device.index or 0) < torch.cuda.device_count()
    else:
        available = device.type == "cpu" or (device.type == "mps" and torch.backends.mps.is_available())
    if not available:
        raise ValueError(f"{name} asks for device {str(value)!r}, which is not available here; "
                         "use 'cpu', or get_device() to pick the best one available.")
    return device


def check_sequence(
    value: object, name: str, *, length: int | None = None, min_length: int = 0,
    item: Callable[[Any, str], Any] | None = None,
) -> list:
    """Return value as a list after checking that it is a list or tuple of the given length whose items pass item.

    Each item is checked as item(value[i], f"{name}[{i}]"), e.g. item=check_int.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        size = f" of {length}" if length is not None else ""
        raise TypeError(f"{name} must be a list or tuple{size}, got {describe(value)}.")
    if (length is not None and len(value) != length) or len(value) < min_length:
        wanted = f"exactly {length}" if length is not None else f"at least {min_length}"
        raise ValueError(f"{name} must hold {wanted} items, got {len(value)}: {describe(value)}.")
    return [item(entry, f"{name}[{index}]") if item else entry for index, entry in enumerate(value)]


def check_loader(value: object, name: str) -> Iterable:
    """Return value after checking that it is a non-empty iterable of batches with a length, e.g. InMemoryLoader."""
    expected = "a loader of batches with a length, such as InMemoryLoader(x, batch_size=64) or a list of batches"
    if isinstance(value, (torch.Tensor, np.ndarray)):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}; wrap it: InMemoryLoader(x, batch_size=64).")
    if not isinstance(value, Iterable) or not isinstance(value, Sized):  # a generator would be empty after one epoch
        raise TypeError(f"{name} must be {expected}, got {describe(value)}.")
    if len(value) == 0:
        raise ValueError(f"{name} must yield at least one batch, got {describe(value)} with no batches "
                         "(an empty dataset, or drop_last=True with fewer samples than batch_size?).")
    return value


def _not_finite(name: str, value: object) -> ValueError:
    """Return the error for NaN or infinite values in value."""
    return ValueError(f"{name} must hold finite values, got NaN or infinity in {describe(value)}.")


def _shape_text(shape: Sequence[int]) -> str:
    """Return '(N, 1, 28, 28)' for shape (1, 28, 28)."""
    return "(N, " + ", ".join(str(size) for size in shape) + ")"


def check_tensor(
    value: object, name: str, *, ndim: int | Sequence[int] | None = None, min_ndim: int = 1,
    shape: Sequence[int] | None = None, dtype: str | None = "float", finite: bool = True,
    allow_empty: bool = False, arrays: bool = False,
) -> torch.Tensor:
    """Return value as a tensor after checking its type, dimensions, per-item shape, dtype, size and values.

    ndim: allowed numbers of dimensions (else at least min_ndim); shape: the shape of one item, e.g. (1, 28, 28)
    for images (N, 1, 28, 28); dtype: "float", "integer" or None (any); finite: refuse NaN and infinity (the only
    check here that reads the values); arrays: accept NumPy arrays too (returned as tensors sharing memory).
    """
    tensor = value
    if arrays and isinstance(value, np.ndarray):
        try:
            tensor = torch.from_numpy(value if value.flags.c_contiguous else value.copy(order="C"))
        except TypeError:
            raise TypeError(f"{name} must hold numbers, got {describe(value)}.") from None
    if not isinstance(tensor, torch.Tensor):
        kinds = "a torch tensor or NumPy array" if arrays else "a torch tensor"
        hint = " (convert with torch.as_tensor(...))" if isinstance(value, np.ndarray) else ""
        raise TypeError(f"{name} must be {kinds}, got {describe(value)}{hint}.")
    if shape is not None:
        if tensor.ndim != len(shape) + 1 or tuple(tensor.shape[1:]) != tuple(shape):
            hint = ""
            if tensor.ndim == len(shape) and tuple(tensor.shape) == tuple(shape):
                hint = f"; for a single one use {name}.unsqueeze(0)"
            elif tensor.ndim == 2 and len(shape) > 1 and tensor.shape[1] == math.prod(shape):
                hint = f"; for flat rows use {name}.view(-1, {', '.join(str(size) for size in shape)})"
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {describe(value)}{hint}.")
    elif ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if tensor.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimensions, got {describe(value)}.")
    elif tensor.ndim < min_ndim:
        raise ValueError(f"{name} must be a batch of shape (N, ...) with at least {min_ndim} dimension"
                         f"{'s' if min_ndim > 1 else ''}, got {describe(value)}.")
    if dtype == "float" and not tensor.is_floating_point():
        raise TypeError(f"{name} must hold floats, got {describe(value)}; convert with .float().")
    if dtype == "integer" and (tensor.is_floating_point() or tensor.is_complex() or tensor.dtype == torch.bool):
        raise TypeError(f"{name} must hold integers, got {describe(value)}.")
    if not allow_empty and tensor.numel() == 0:
        raise ValueError(f"{name} must not be empty, got {describe(value)}.")
    if finite and tensor.is_floating_point() and tensor.numel() and not torch.isfinite(tensor).all():
        raise _not_finite(name, value)
    return tensor


def check_range(x: torch.Tensor, name: str, low: float, high: float) -> None:
    """Raise a ValueError unless every value of tensor x is finite and in [low, high] (one pass over x)."""
    if x.numel() == 0:
        return
    lowest, highest = torch.stack(torch.aminmax(x.detach())).tolist()  # one reduction, one device sync
    if lowest >= low and highest <= high:  # False for NaN as well
        return
    if not (math.isfinite(lowest) and math.isfinite(highest)):
        raise _not_finite(name, x)
    scale = " (0-255 pixels? divide by 255)" if high == 1 and highest > 1.5 else ""
    raise ValueError(f"{name} must hold values in [{low:g}, {high:g}], got values from {lowest:.4g} to "
                     f"{highest:.4g}{scale}.")


def check_images(
    value: object, name: str, *, ndim: int | Sequence[int] | None = None, min_ndim: int = 1,
    shape: Sequence[int] | None = None, allow_empty: bool = False,
) -> torch.Tensor:
    """Return value after checking that it is a float image batch with finite pixels in [0, 1].

    shape, if given, is the shape of one image, e.g. (1, 28, 28); ndim the allowed numbers of dimensions.
    """
    x = check_tensor(value, name, ndim=ndim, min_ndim=min_ndim, shape=shape, finite=False, allow_empty=allow_empty)
    check_range(x, name, 0.0, 1.0)  # also refuses NaN and infinity
    return x


def check_grey_images(value: object, name: str, *, min_size: int = 1) -> torch.Tensor:
    """Return value after checking that it is grey images (N, 1, H, W) or (N, H, W) in [0, 1] with H, W >= min_size."""
    x = check_images(value, name, ndim=(3, 4))
    if (x.ndim == 4 and x.shape[1] != 1) or min(x.shape[-2:]) < min_size:
        size = f" with H, W >= {min_size}" if min_size > 1 else ""
        raise ValueError(f"{name} must be grey images of shape (N, 1, H, W) or (N, H, W){size}, got {describe(x)}.")
    return x


def check_same_shape(a: torch.Tensor | np.ndarray, b: torch.Tensor | np.ndarray, names: tuple[str, str]) -> None:
    """Raise a ValueError unless a and b have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")


def check_same_length(values: Sequence[Sized], names: Sequence[str]) -> None:
    """Raise a ValueError unless all values have the same length (first dimension)."""
    lengths = [len(value) for value in values]
    if len(set(lengths)) > 1:
        given = ", ".join(f"{name}: {length}" for name, length in zip(names, lengths))
        raise ValueError(f"{' and '.join(names)} must have the same length (first dimension), got {given}.")


def check_reconstruction_pair(x: object, x_hat: object) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (x, x_hat) after checking: x images in [0, 1], x_hat finite floats (any range), same shape (N, ...)."""
    x = check_images(x, "x", min_ndim=2)
    x_hat = check_tensor(x_hat, "x_hat", min_ndim=2)
    check_same_shape(x, x_hat, ("x", "x_hat"))
    return x, x_hat


def as_image_array(value: object, name: str, *, unit_range: bool = True) -> np.ndarray:
    """Return images as a float32 NumPy array (N, H, W), from (N, 1, H, W), (N, H, W) or flat (N, H*W).

    Takes torch tensors and NumPy arrays. uint8 images (0-255) are scaled to [0, 1]; non-finite values are
    refused, and so are values outside [0, 1] unless unit_range is False (e.g. PCA components or differences).
    """
    x = check_tensor(value, name, dtype=None, finite=not unit_range, arrays=True)
    if x.dtype == torch.uint8:
        x = x.float() / 255.0
    elif not x.is_floating_point():
        raise TypeError(f"{name} must hold float pixels in [0, 1] or uint8 pixels in 0-255, got {describe(value)}.")
    side = math.isqrt(x.shape[1]) if x.ndim == 2 else 0
    if x.ndim == 4 and x.shape[1] == 1:
        x = x[:, 0]
    elif x.ndim == 2 and side * side == x.shape[1]:
        x = x.reshape(len(x), side, side)
    elif x.ndim != 3:
        raise ValueError(f"{name} must have shape (N, 1, H, W), (N, H, W) or flat square (N, H*W), "
                         f"got {describe(value)}.")
    if unit_range:
        check_range(x, name, 0.0, 1.0)
    return x.detach().cpu().float().numpy()
