"""Tests for course_utils.checks.convolution (notebook 07)."""

import pytest

from course_utils.checks import ExerciseError, check_conv_output_size, check_conv_transpose_output_size


def test_check_conv_output_sizes_pass_the_formulas_and_explain_mistakes(capsys):
    check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
    check_conv_transpose_output_size(lambda n, k, s, p, op: (n - 1) * s - 2 * p + k + op)
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="floor division"):
        check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1)
    with pytest.raises(ExerciseError, match="output_padding"):
        check_conv_transpose_output_size(lambda n, k, s, p, op: (n - 1) * s - 2 * p + k)


def test_check_conv_output_size_explains_an_answer_that_is_not_a_number():
    with pytest.raises(ExerciseError, match=r"conv_output_size\(28, 3, 2, 1\) should be one number"):
        check_conv_output_size(lambda n, k, s, p: str((n + 2 * p - k) // s + 1))
