"""The pieces every self-check shares: the error, the confirmation, calling a learner's function, comparing answers.

A self-check talks to a learner, so a wrong or missing answer raises ExerciseError (an AssertionError, so
that nbval and pytest count it as a failure) with one sentence on what to fix. A mistake by the course
author calling a check (a bad latent_dim, input_shape, kind) raises TypeError or ValueError instead.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch

from course_utils._validation import check_int, describe

MNIST_SHAPE = (1, 28, 28)  # the default input_shape of the checks that build test images
NO_HINT = ("Call it on a small input in a cell of its own, print what each step gives, and fix the line "
           "the error points to.")


class ExerciseError(AssertionError):
    """An exercise's answer is not right yet; the message says what to look at."""


class NotImplementedYet(ExerciseError):
    """The learner's function is still the stub of a student copy (it raises NotImplementedError)."""


def skips_unsolved(check: Callable[..., None]) -> Callable[..., None]:
    """Return check wrapped so that an unsolved stub prints one line and returns instead of raising.

    JupyterLab's Run All stops at the first error: a learner who skips an exercise must still be
    able to run the rest of the notebook. A wrong answer still raises ExerciseError.
    """

    @functools.wraps(check)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            return check(*args, **kwargs)
        except NotImplementedYet as err:
            print(f"Skipped: {err}")
            return None

    return wrapper


def confirm(message: str) -> None:
    """Print the confirmation that a check passed; returns None."""
    print(f"Correct: {message}")


def call_student(
    fn: Callable[..., object], *args: object, what: str = "your function",
    hint: str | Callable[[Exception], str] = NO_HINT, returns_value: bool = True,
) -> object:
    """Return fn(*args); a stub, an error inside fn or a forgotten `return` becomes an ExerciseError.

    hint follows the message when fn raises; it may be a function of the exception. returns_value=False
    is for functions that work in place and return None on purpose (an optimiser step).
    """
    if fn is None:
        raise ExerciseError(f"{what} is None: did you forget to define it, or to run its cell?")
    if not callable(fn):
        raise ExerciseError(f"{what} should be a function (or an nn.Module), but it is {describe(fn)}.")
    try:
        result = fn(*args)
    except ExerciseError:
        raise  # already written for the learner
    except NotImplementedError as err:
        # The student copies' stub is `raise NotImplementedError()`; its traceback would only add noise.
        detail = f" ({err})" if str(err) else ""
        raise NotImplementedYet(f"{what} is not implemented yet{detail}: write your solution in the cell above "
                                "and run this check again. The rest of the notebook does not need it.") from None
    except Exception as err:  # the learner's own error, named, with a pointer; its traceback stays chained
        advice = hint(err) if callable(hint) else hint
        message = str(err).strip().rstrip(".") or "(no message)"
        raise ExerciseError(f"{what} raised {type(err).__name__}: {message}. {advice}".strip()) from err
    if returns_value and result is None:
        raise ExerciseError(f"{what} returned None: did you forget `return`?")
    return result


def require_answer(value: object, name: str = "your answer") -> object:
    """Return value, or raise an ExerciseError if it is None (an answer never computed or returned)."""
    if value is None:
        raise ExerciseError(f"{name} is None: did you forget to compute it / `return` it?")
    return value


def _not_finite(name: str, hint: str) -> ExerciseError:
    """Return the error for an answer holding NaN or infinity."""
    hint = hint or "Look for a division by 0, or a log or square root of a number <= 0."
    return ExerciseError(f"{name} contains NaN (not a number) or infinity. {hint}")


def answer_tensor(value: object, name: str = "your answer", *, finite: bool = True, hint: str = "") -> torch.Tensor:
    """Return a learner's answer (tensor, array, number or list of numbers) as a float64 CPU tensor.

    None, text, functions and other objects raise an ExerciseError; so do NaN and infinity unless finite=False.
    """
    require_answer(value, name)
    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu()
        if tensor.is_complex():
            raise ExerciseError(f"{name} should hold real numbers, but it is {describe(value)}.")
        tensor = tensor.double()
    else:
        tensor = None
        if not isinstance(value, (str, bytes)) and not callable(value):
            try:
                tensor = torch.from_numpy(np.array(value, dtype=np.float64))
            except (TypeError, ValueError, RuntimeError):
                tensor = None
        if tensor is None:
            call = " Did you forget to call it, e.g. f(x)?" if callable(value) else ""
            raise ExerciseError(f"{name} should be a number or a torch tensor, but it is {describe(value)}.{call}")
    if finite and not torch.isfinite(tensor).all():
        raise _not_finite(name, hint)
    return tensor


def answer_number(value: object, name: str = "your answer", *, finite: bool = True, hint: str = "") -> float:
    """Return a learner's answer as a float: a Python or NumPy number, or a tensor or array of one element."""
    require_answer(value, name)
    if isinstance(value, torch.Tensor):
        single = value.numel() == 1
    elif isinstance(value, np.ndarray):
        single = value.size == 1
    else:
        single = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not single:
        raise ExerciseError(f"{name} should be one number, but it is {describe(value)}.")
    number = float(answer_tensor(value, name, finite=False).reshape(()))
    if finite and not math.isfinite(number):
        raise _not_finite(name, hint)
    return number


def _expected(expected: object) -> torch.Tensor:
    """Return the reference answer as a float64 CPU tensor; a bad one is the course's bug, a TypeError."""
    try:
        if isinstance(expected, torch.Tensor):
            return expected.detach().cpu().double()
        return torch.from_numpy(np.array(expected, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"expected must be a number, array or tensor, got {describe(expected)}.") from None


def _gap(value: torch.Tensor, expected: torch.Tensor, atol: float, rtol: float) -> float:
    """Return how far value exceeds the tolerance atol + rtol * |expected| (<= 0: a match; NaN: inf)."""
    excess = (value - expected).abs() - (atol + rtol * expected.abs())
    return math.inf if excess.isnan().any() else excess.max().item() if excess.numel() else 0.0


def matches(value: object, expected: object, *, atol: float = 1e-6, rtol: float = 0.0) -> bool:
    """Return whether value has expected's shape and is within atol + rtol * |expected| everywhere (finite)."""
    try:
        value_t = answer_tensor(value)
    except ExerciseError:
        return False
    expected_t = _expected(expected)
    return value_t.shape == expected_t.shape and _gap(value_t, expected_t, atol, rtol) <= 0


def compare(value: object, expected: object, *, name: str = "your answer", atol: float = 1e-6, rtol: float = 0.0,
            hint: str = "") -> None:
    """Raise an ExerciseError unless value matches expected (same shape, within tolerance); returns None."""
    value_t, expected_t = answer_tensor(value, name, hint=hint), _expected(expected)
    if value_t.shape != expected_t.shape:
        raise ExerciseError(f"{name} has shape {tuple(value_t.shape)}, expected {tuple(expected_t.shape)}. {hint}"
                            .strip())
    if _gap(value_t, expected_t, atol, rtol) > 0:
        off = (value_t - expected_t).abs().max().item()
        tolerance = f"{atol:g}" if not rtol else f"{atol:g} + {rtol:g} x |expected|"
        raise ExerciseError(f"{name} is off by up to {off:.3g} (tolerance {tolerance}). {hint}".strip())


def image_shape(input_shape: Sequence[int]) -> tuple[int, ...]:
    """Return input_shape, the shape of one test image such as (1, 28, 28), as a tuple of positive ints."""
    expected = "a tuple of positive integers such as (1, 28, 28)"
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"input_shape must be {expected}, got {describe(input_shape)}.")
    if not input_shape:
        raise ValueError(f"input_shape must be {expected}, got an empty {type(input_shape).__name__}.")
    return tuple(check_int(size, f"input_shape[{i}]") for i, size in enumerate(input_shape))
