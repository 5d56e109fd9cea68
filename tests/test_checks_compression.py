"""Tests for course_utils.checks.compression (notebook 09)."""

import pytest
import torch

from course_utils.checks import ExerciseError, check_codec_rate, check_entropy_function


def test_check_codec_rate(capsys):
    check_codec_rate(lambda d, b: (d * b, d * b / 784, 6272 / (d * b)))
    assert "0.082 bits per pixel, 98x smaller" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="bits per pixel.*28 \\* 28 = 784 pixels"):
        check_codec_rate(lambda d, b: (d * b, d * b / 28, 6272 / (d * b)))
    with pytest.raises(ExerciseError, match="compression ratio"):
        check_codec_rate(lambda d, b: (d * b, d * b / 784, 784 / (d * b)))
    with pytest.raises(ExerciseError, match="tuple of three"):
        check_codec_rate(lambda d, b: d * b)
    with pytest.raises(ExerciseError, match="your bits per image should be one number"):
        check_codec_rate(lambda d, b: ("64", d * b / 784, 6272 / (d * b)))


def test_check_entropy_function():
    def right(p):
        p = p[p > 0]
        return -(p * torch.log2(p)).sum()

    check_entropy_function(right)
    check_entropy_function(lambda p: right(p).item())
    with pytest.raises(ExerciseError, match="log2"):
        check_entropy_function(lambda p: -(p[p > 0] * torch.log(p[p > 0])).sum())
    with pytest.raises(ExerciseError, match="0 \\* log 0"):
        check_entropy_function(lambda p: -(p * torch.log2(p)).sum())
