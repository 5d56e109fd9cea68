"""Tests for course_utils.checks.latent_space (notebook 06)."""

import numpy as np
import pytest
import torch

from course_utils.checks import ExerciseError, check_interpolation, check_nearest_neighbours, check_principal_angles


def test_check_interpolation_passes_a_straight_path_and_explains_mistakes(capsys):
    check_interpolation(lambda a, b, n: (1 - torch.linspace(0, 1, n)[:, None]) * a
                        + torch.linspace(0, 1, n)[:, None] * b)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="start at z_a and end at z_b"):
        check_interpolation(lambda a, b, n: a + torch.linspace(0, 1, n + 1)[:-1, None] * (b - a))
    with pytest.raises(ExerciseError, match="evenly spaced"):
        check_interpolation(lambda a, b, n: a + torch.linspace(0, 1, n)[:, None] ** 2 * (b - a))
    with pytest.raises(ExerciseError, match=r"expected \(steps, latent_dim\)"):
        check_interpolation(lambda a, b, n: torch.stack([a, b]))
    with pytest.raises(ExerciseError, match="should return a torch tensor"):
        check_interpolation(lambda a, b, n: [a, b])


def test_check_nearest_neighbours_passes_topk_and_explains_mistakes(capsys):
    check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).indices)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="largest=False"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k).indices)
    with pytest.raises(ExerciseError, match="indices"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).values)
    with pytest.raises(ExerciseError, match="farthest first"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).indices.flip(1))
    with pytest.raises(ExerciseError, match="not the nearest rows"):
        check_nearest_neighbours(lambda q, bank, k: torch.zeros(len(q), k, dtype=torch.long))


def _angles(a, b):
    q_a, q_b = np.linalg.qr(a)[0], np.linalg.qr(b)[0]
    return np.sort(np.degrees(np.arccos(np.clip(np.linalg.svd(q_a.T @ q_b, compute_uv=False), -1, 1))))


def test_check_principal_angles_passes_qr_svd_and_explains_mistakes(capsys):
    check_principal_angles(_angles)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="radians"):
        check_principal_angles(lambda a, b: np.radians(_angles(a, b)))
    with pytest.raises(ExerciseError, match="not sorted"):
        check_principal_angles(lambda a, b: _angles(a, b)[::-1])
    with pytest.raises(ExerciseError, match="orthonormalise"):  # SVD of raw, non-orthonormal bases
        check_principal_angles(lambda a, b: np.sort(np.degrees(np.arccos(np.clip(
            np.linalg.svd(a.T @ b, compute_uv=False), -1, 1)))))
    with pytest.raises(ExerciseError, match="one angle per dimension"):
        check_principal_angles(lambda a, b: _angles(a, b)[:2])
    with pytest.raises(ExerciseError, match="contains NaN.*[Cc]lip the cosines"), np.errstate(invalid="ignore"):
        check_principal_angles(lambda a, b: np.degrees(np.arccos(np.array([1.0, 1.0 + 1e-12, 0.5]))))  # cos > 1
