"""Tests for course_utils.checks.generative (notebook 11)."""

import pytest
import torch

from course_utils.checks import (
    ExerciseError,
    check_kl_diagonal_gaussians,
    check_kl_sparsity_penalty,
    check_reparameterised_sample,
)


def kl_right(mu1, logvar1, mu2, logvar2):
    return 0.5 * (logvar2 - logvar1 + (logvar1.exp() + (mu1 - mu2).pow(2)) / logvar2.exp() - 1).sum(dim=-1)


def test_check_kl_diagonal_gaussians_passes_right_answers(capsys):
    check_kl_diagonal_gaussians(kl_right)

    def by_torch(mu1, logvar1, mu2, logvar2):
        q1 = torch.distributions.Normal(mu1, (0.5 * logvar1).exp())
        q2 = torch.distributions.Normal(mu2, (0.5 * logvar2).exp())
        return torch.distributions.kl_divergence(q1, q2).sum(dim=-1)

    check_kl_diagonal_gaussians(by_torch)
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda m1, l1, m2, l2: 2 * kl_right(m1, l1, m2, l2), "factor 1/2"),
        (lambda m1, l1, m2, l2: kl_right(m1, l1, m2, l2) / m1.shape[1], "do not average"),
        (lambda m1, l1, m2, l2: kl_right(m2, l2, m1, l1), "not symmetric"),
        (lambda m1, l1, m2, l2: kl_right(m1, l1, m2, l2).sum(), r"expected \(5,\)"),
        (lambda m1, l1, m2, l2: kl_right(m1, 2 * l1, m2, 2 * l2), "variance"),
        (lambda m1, l1, m2, l2: None, "returned None"),
    ],
)
def test_check_kl_diagonal_gaussians_names_mistakes(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_kl_diagonal_gaussians(wrong)


def test_check_reparameterised_sample(capsys):
    check_reparameterised_sample(lambda mu, logvar, eps: mu + torch.exp(0.5 * logvar) * eps)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="variance exp\\(logvar\\)"):
        check_reparameterised_sample(lambda mu, logvar, eps: mu + torch.exp(logvar) * eps)
    with pytest.raises(ExerciseError, match="log-variance"):
        check_reparameterised_sample(lambda mu, logvar, eps: mu + logvar * eps)
    with pytest.raises(ExerciseError, match="do not draw new noise"):
        check_reparameterised_sample(lambda mu, logvar, eps: mu + torch.exp(0.5 * logvar) * torch.randn_like(mu))
    with pytest.raises(ExerciseError, match="no gradient"):
        check_reparameterised_sample(lambda mu, logvar, eps: (mu + torch.exp(0.5 * logvar) * eps).detach())
    with pytest.raises(ExerciseError, match="shape"):
        check_reparameterised_sample(lambda mu, logvar, eps: (mu + torch.exp(0.5 * logvar) * eps)[0])
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_reparameterised_sample(lambda mu, logvar, eps: (mu + torch.exp(0.5 * logvar) * eps).detach().numpy())


def kl_sparsity_right(z, rho):
    rho_hat = z.mean(dim=0)
    return (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


def test_check_kl_sparsity_penalty(capsys):
    check_kl_sparsity_penalty(kl_sparsity_right)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="averaged over the units"):
        check_kl_sparsity_penalty(lambda z, rho: kl_sparsity_right(z, rho) / z.shape[1])
    with pytest.raises(ExerciseError, match="over the batch first"):
        check_kl_sparsity_penalty(lambda z, rho: torch.stack([kl_sparsity_right(row[None], rho) for row in z]).mean())
    with pytest.raises(ExerciseError, match="target rho comes first"):
        check_kl_sparsity_penalty(lambda z, rho: kl_sparsity_right(torch.full_like(z, rho), z.mean(dim=0).clamp(0, 1)))
    with pytest.raises(ExerciseError, match="one number"):
        check_kl_sparsity_penalty(lambda z, rho: z.mean(dim=0))
