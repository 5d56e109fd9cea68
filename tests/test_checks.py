"""Tests for course_utils.checks: each self-check passes a right answer and explains a wrong one."""

import pytest
import torch
from torch import nn

from course_utils.checks import ExerciseError, check_autoencoder, check_close, check_shape
from course_utils.models import MLPAutoencoder


def test_check_shape_passes_and_fails(capsys):
    check_shape(torch.zeros(2, 3), (2, 3), name="z")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"z has shape \(3, 2\), expected \(2, 3\)"):
        check_shape(torch.zeros(3, 2), (2, 3), name="z")
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_shape([1, 2], (2,), name="z")


def test_check_close_reports_the_gap():
    check_close(0.5, 0.5 + 1e-9)
    with pytest.raises(ExerciseError, match="off by up to 0.1.*Hint: mean"):
        check_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), atol=1e-3, hint="Hint: mean")
    with pytest.raises(ExerciseError, match="shape"):
        check_close(torch.zeros(2), torch.zeros(3))


def test_check_autoencoder_accepts_the_course_model_and_explains_mistakes():
    check_autoencoder(MLPAutoencoder(latent_dim=4), latent_dim=4)
    with pytest.raises(ExerciseError, match="attribute `encoder`"):
        check_autoencoder(nn.Linear(2, 2), latent_dim=4)
    no_sigmoid = MLPAutoencoder(latent_dim=4)
    no_sigmoid.decoder[-2] = nn.Identity()  # drop the sigmoid: outputs can leave [0, 1]
    with torch.no_grad():
        no_sigmoid.decoder[-3].bias.fill_(5.0)
    with pytest.raises(ExerciseError, match="Sigmoid"):
        check_autoencoder(no_sigmoid, latent_dim=4)
    with pytest.raises(ExerciseError, match=r"expected \(5, 3\)"):
        check_autoencoder(MLPAutoencoder(latent_dim=4), latent_dim=3)
