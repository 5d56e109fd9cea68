"""Checks for any notebook (first used in 00): a tensor's shape, a value against the expected one."""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_utils._validation import check_int, check_number, describe
from course_utils.checks._core import ExerciseError, call_student, compare, confirm, require_answer, skips_unsolved


@skips_unsolved
def check_shape(value: torch.Tensor, expected: tuple[int, ...], *, name: str = "the tensor") -> None:
    """Check that value is a tensor of the expected shape; returns None or raises ExerciseError."""
    if not isinstance(expected, (tuple, list)):
        raise TypeError(f"expected must be a tuple of sizes such as (1, 28, 28), got {describe(expected)}.")
    expected = tuple(check_int(size, "expected's sizes", minimum=0) for size in expected)
    if not isinstance(require_answer(value, name), torch.Tensor):
        raise ExerciseError(f"{name} should be a torch tensor, but it is a {type(value).__name__}.")
    if tuple(value.shape) != expected:
        raise ExerciseError(f"{name} has shape {tuple(value.shape)}, expected {expected}. "
                            "Print the shape after each step to see where it changes.")
    confirm(f"{name} has shape {expected}.")


@skips_unsolved
def check_close(value: float | torch.Tensor, expected: float | torch.Tensor, *, name: str = "your answer",
                atol: float = 1e-6, hint: str = "") -> None:
    """Check that value matches expected within atol; returns None or raises ExerciseError."""
    atol = check_number(atol, "atol", minimum=0)
    compare(value, expected, name=name, atol=atol, hint=hint)
    confirm(f"{name} matches.")


@skips_unsolved
def check_returns(fn: Callable[..., object], args: tuple, *, expected: float | torch.Tensor,
                  name: str = "your function", atol: float = 1e-6, hint: str = "") -> None:
    """Check that fn(*args) returns expected within atol (an unsolved stub is skipped); returns None."""
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple of fn's arguments, got {type(args).__name__}.")
    atol = check_number(atol, "atol", minimum=0)
    value = call_student(fn, *args, what=name)
    compare(value, expected, name=f"the result of {name}", atol=atol, hint=hint)
    confirm(f"{name} returns the expected result.")
