"""Checks for notebook 07, convolution arithmetic: the output size of nn.Conv2d and nn.ConvTranspose2d."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from course_utils.checks._core import ExerciseError, answer_number, call_student, confirm, matches, skips_unsolved


@skips_unsolved
def check_conv_output_size(conv_output_size: Callable[[int, int, int, int], int]) -> None:
    """Check conv_output_size(size, kernel_size, stride, padding) against nn.Conv2d; returns None."""
    for size, kernel, stride, padding in ((28, 3, 2, 1), (14, 3, 2, 1), (28, 5, 1, 0), (7, 3, 1, 1), (28, 4, 3, 2)):
        expected = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)(torch.zeros(1, 1, size, size)).shape[-1]
        call = f"conv_output_size({size}, {kernel}, {stride}, {padding})"
        result = call_student(conv_output_size, size, kernel, stride, padding, what=call)
        if not matches(answer_number(result, call), expected, atol=0):
            raise ExerciseError(f"For size={size}, kernel_size={kernel}, stride={stride}, padding={padding} "
                                f"nn.Conv2d gives {expected}, you give {result!r}. Use floor division: "
                                "(size + 2 * padding - kernel_size) // stride + 1.")
    confirm("conv_output_size matches nn.Conv2d.")


@skips_unsolved
def check_conv_transpose_output_size(conv_transpose_output_size: Callable[[int, int, int, int, int], int]) -> None:
    """Check conv_transpose_output_size(size, kernel_size, stride, padding, output_padding) against PyTorch."""
    for size, kernel, stride, padding, extra in ((7, 3, 2, 1, 1), (14, 3, 2, 1, 1), (7, 4, 2, 1, 0), (5, 3, 1, 0, 0),
                                                 (3, 5, 3, 2, 2)):
        layer = nn.ConvTranspose2d(1, 1, kernel, stride=stride, padding=padding, output_padding=extra)
        expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
        call = f"conv_transpose_output_size({size}, {kernel}, {stride}, {padding}, {extra})"
        result = call_student(conv_transpose_output_size, size, kernel, stride, padding, extra, what=call)
        if not matches(answer_number(result, call), expected, atol=0):
            raise ExerciseError(f"For size={size}, kernel_size={kernel}, stride={stride}, padding={padding}, "
                                f"output_padding={extra} nn.ConvTranspose2d gives {expected}, you give {result!r}. "
                                "Use (size - 1) * stride - 2 * padding + kernel_size + output_padding.")
    confirm("conv_transpose_output_size matches nn.ConvTranspose2d.")
