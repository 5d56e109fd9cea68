"""Tests for course_utils.checks.challenges (notebook 12)."""

import pytest
import torch

from course_utils.checks import (
    ExerciseError,
    check_oversample_indices,
    check_per_class_error,
    check_per_position_accuracy,
)


def _per_class_error(errors, labels, num_classes):
    return torch.stack([errors[labels == c].mean() for c in range(num_classes)])


def test_check_per_class_error_passes_right_and_names_mistakes(capsys):
    check_per_class_error(_per_class_error)
    check_per_class_error(lambda e, y, k: _per_class_error(e, y, k).numpy())
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="summed error"):
        check_per_class_error(lambda e, y, k: torch.stack([e[y == c].sum() for c in range(k)]))
    with pytest.raises(ExerciseError, match="number of all images"):
        check_per_class_error(lambda e, y, k: torch.stack([e[y == c].sum() for c in range(k)]) / len(e))
    with pytest.raises(ExerciseError, match="overall mean"):
        check_per_class_error(lambda e, y, k: e.mean().repeat(k))
    with pytest.raises(ExerciseError, match=r"shape \(3,\)"):
        check_per_class_error(lambda e, y, k: _per_class_error(e, y, k)[:3])
    with pytest.raises(ExerciseError, match="Expected"):
        check_per_class_error(lambda e, y, k: _per_class_error(e, y, k) + 1)
    with pytest.raises(ExerciseError, match="returned None"):
        check_per_class_error(lambda e, y, k: None)


def _oversample(labels, rare_class, target_count):
    rare = torch.nonzero(labels == rare_class).squeeze(1)
    extra = rare[torch.arange(target_count - len(rare)) % len(rare)]
    return torch.cat([torch.arange(len(labels)), extra])


def test_check_oversample_indices_passes_right_and_names_mistakes(capsys):
    check_oversample_indices(_oversample)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="integer indices"):
        check_oversample_indices(lambda y, c, t: _oversample(y, c, t).float())
    with pytest.raises(ExerciseError, match="expected 10"):
        check_oversample_indices(lambda y, c, t: torch.arange(len(y)))
    with pytest.raises(ExerciseError, match="other classes"):
        check_oversample_indices(lambda y, c, t: torch.cat([_oversample(y, c, t), torch.nonzero(y == 0)[:1, 0]]))
    with pytest.raises(ExerciseError, match="outside"):
        check_oversample_indices(lambda y, c, t: _oversample(y, c, t) + len(y))

    def unevenly(labels, rare_class, target_count):
        first = torch.nonzero(labels == rare_class)[0]
        return torch.cat([torch.arange(len(labels)), first.repeat(target_count - 3)])

    with pytest.raises(ExerciseError, match="cycle through them"):
        check_oversample_indices(unevenly)
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_oversample_indices(lambda y, c, t: _oversample(y, c, t).tolist())


def _accuracy(x, x_hat):
    return (x_hat.argmax(dim=1) == x.argmax(dim=1)).float().mean(dim=0)


def test_check_per_position_accuracy_passes_right_and_names_mistakes(capsys):
    check_per_position_accuracy(_accuracy)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="averaged over positions"):
        check_per_position_accuracy(lambda x, x_hat: _accuracy(x, x_hat).mean() * torch.ones(30))
    with pytest.raises(ExerciseError, match="argmax over the 4 letters"):
        check_per_position_accuracy(lambda x, x_hat: (x_hat == x).float().mean(dim=0))
    with pytest.raises(ExerciseError, match="wrong letters"):
        check_per_position_accuracy(lambda x, x_hat: 1 - _accuracy(x, x_hat))
    with pytest.raises(ExerciseError, match="Expected"):
        check_per_position_accuracy(lambda x, x_hat: _accuracy(x, x_hat) * 0.5)
