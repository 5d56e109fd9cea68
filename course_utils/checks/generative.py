"""Checks for notebook 11, regularised and variational autoencoders: a KL divergence, a reparameterised sample,
and the KL sparsity penalty."""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_utils.checks._core import (
    ExerciseError,
    answer_number,
    answer_tensor,
    call_student,
    confirm,
    matches,
    skips_unsolved,
)


def _gaussians(seed: int) -> tuple[torch.Tensor, ...]:
    """Return (mu1, logvar1, mu2, logvar2), each (5, 3) float32: two diagonal Gaussians per row, all different."""
    generator = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(5, 3, generator=generator) for _ in range(4))


def _kl_reference(mu1: torch.Tensor, logvar1: torch.Tensor, mu2: torch.Tensor, logvar2: torch.Tensor) -> torch.Tensor:
    """Return KL(N(mu1, diag exp(logvar1)) || N(mu2, diag exp(logvar2))) per row, shape (N,), in nats."""
    return 0.5 * (logvar2 - logvar1 + (logvar1.exp() + (mu1 - mu2).pow(2)) / logvar2.exp() - 1.0).sum(dim=-1)


@skips_unsolved
def check_kl_diagonal_gaussians(kl_fn: Callable[..., torch.Tensor]) -> None:
    """Check kl_fn(mu1, logvar1, mu2, logvar2) -> per-row KL (N,) of two diagonal Gaussians, in nats; returns None."""
    for seed in (0, 1):
        mu1, logvar1, mu2, logvar2 = _gaussians(seed)
        expected = _kl_reference(mu1.double(), logvar1.double(), mu2.double(), logvar2.double())  # (5,)
        value = call_student(kl_fn, mu1.clone(), logvar1.clone(), mu2.clone(), logvar2.clone(),
                             what="kl_fn(mu1, logvar1, mu2, logvar2)")
        value = answer_tensor(value, "kl_fn's result", hint="Look for exp of a large number or log of 0.")
        if value.shape != expected.shape:
            raise ExerciseError(f"kl_fn returns shape {tuple(value.shape)} for 5 rows of 3 dimensions; expected "
                                "(5,): one KL per row, summed over the dimensions (.sum(dim=-1)), not over rows.")
        if matches(value, expected, atol=1e-4, rtol=1e-4):
            continue
        swapped = _kl_reference(mu2.double(), logvar2.double(), mu1.double(), logvar1.double())
        mistakes = ((2 * expected, "It is twice the answer: the formula has a factor 1/2 in front."),
                    (expected / 3, "It is a third of the answer: sum over the dimensions, do not average."),
                    (swapped, "You computed KL(q2 || q1): the KL divergence is not symmetric, swap the roles."))
        hint = next((advice for wrong, advice in mistakes if matches(value, wrong, atol=1e-4, rtol=1e-4)),
                    "Per dimension: 0.5 * (logvar2 - logvar1 + (exp(logvar1) + (mu1 - mu2)**2) / exp(logvar2) - 1); "
                    "exp(logvar) is the variance, not the standard deviation.")
        raise ExerciseError(f"For the first row kl_fn returns {value[0].item():.4f} nats, expected "
                            f"{expected[0].item():.4f}. {hint}")
    zero = answer_tensor(call_student(kl_fn, *(torch.zeros(2, 4) for _ in range(4)), what="kl_fn on equal Gaussians"),
                         "kl_fn on equal Gaussians")
    if not matches(zero, torch.zeros(2), atol=1e-6):
        raise ExerciseError("kl_fn of a Gaussian with itself should be 0 for every row.")
    confirm("KL of two diagonal Gaussians, summed over dimensions; with mu2 = 0, logvar2 = 0 it is the VAE's KL term.")


@skips_unsolved
def check_reparameterised_sample(sample_fn: Callable[..., torch.Tensor]) -> None:
    """Check sample_fn(mu, logvar, eps) -> z = mu + exp(logvar / 2) * eps, with gradients to mu and logvar."""
    generator = torch.Generator().manual_seed(3)
    mu = torch.randn(4, 3, generator=generator).requires_grad_()
    logvar = torch.randn(4, 3, generator=generator).requires_grad_()
    eps = torch.randn(4, 3, generator=generator)
    expected = (mu + torch.exp(0.5 * logvar) * eps).detach()  # (4, 3)
    z = call_student(sample_fn, mu, logvar, eps.clone(), what="sample_fn(mu, logvar, eps)")
    if not isinstance(z, torch.Tensor):
        raise ExerciseError(f"sample_fn should return a torch tensor, got {type(z).__name__}.")
    value = answer_tensor(z, "sample_fn's result")
    if value.shape != expected.shape:
        raise ExerciseError(f"sample_fn returns shape {tuple(value.shape)}, expected {tuple(expected.shape)} "
                            "(the shape of mu).")
    if not matches(value, expected, atol=1e-5):
        mistakes = ((mu + torch.exp(logvar) * eps, "You scaled eps by the variance exp(logvar); scale it by the "
                                                   "standard deviation exp(logvar / 2)."),
                    (mu + logvar * eps, "logvar is a log-variance: the standard deviation is exp(logvar / 2)."),
                    (mu + torch.sqrt(logvar.abs()) * eps, "logvar is a log-variance: the standard deviation is "
                                                          "exp(logvar / 2), not its square root."))
        hint = next((advice for wrong, advice in mistakes if matches(value, wrong.detach(), atol=1e-5)),
                    "Use the eps you are given (do not draw new noise): z = mu + exp(logvar / 2) * eps.")
        raise ExerciseError(f"sample_fn's z is off by up to {(value - expected.double()).abs().max().item():.3g}. "
                            f"{hint}")
    if z.grad_fn is None:
        raise ExerciseError("z carries no gradient: build it from mu and logvar with torch operations (no .detach(), "
                            ".item(), NumPy or torch.normal), or the encoder cannot learn through the sample.")
    z.sum().backward()
    if mu.grad is None or logvar.grad is None or not matches(logvar.grad, 0.5 * torch.exp(0.5 * logvar) * eps,
                                                             atol=1e-5):
        raise ExerciseError("The gradient of z does not reach mu and logvar as it should: compute z = mu + "
                            "torch.exp(0.5 * logvar) * eps from the tensors you are given.")
    confirm("z = mu + exp(logvar / 2) * eps; the noise is an input, so gradients flow to mu and logvar.")


def _kl_sparsity_reference(z: torch.Tensor, rho: float) -> torch.Tensor:
    """Return the KL sparsity penalty: sum over units of KL(Bernoulli(rho) || Bernoulli(mean activation))."""
    rho_hat = z.mean(dim=0)  # (k,): each unit's average activation over the batch
    return (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


@skips_unsolved
def check_kl_sparsity_penalty(penalty_fn: Callable[[torch.Tensor, float], torch.Tensor]) -> None:
    """Check penalty_fn(z, rho) -> the KL sparsity penalty of sigmoid activations z (N, k); returns None."""
    generator = torch.Generator().manual_seed(4)
    z = torch.sigmoid(2 * torch.randn(50, 6, generator=generator) - 1)  # (50, 6): activations in (0, 1)
    for rho in (0.05, 0.2):
        expected = _kl_sparsity_reference(z.double(), rho).item()
        value = answer_number(call_student(penalty_fn, z.clone(), rho, what=f"penalty_fn(z, rho={rho})"),
                              f"penalty_fn(z, rho={rho})", hint="rho_hat must stay strictly between 0 and 1.")
        if matches(value, expected, atol=1e-4, rtol=1e-4):
            continue
        z64, rho_hat = z.double(), z.double().mean(dim=0)  # (50, 6), (6,)
        per_image = (rho * torch.log(rho / z64) + (1 - rho) * torch.log((1 - rho) / (1 - z64))).sum(dim=1)  # (50,)
        reversed_kl = (rho_hat * torch.log(rho_hat / rho) + (1 - rho_hat) * torch.log((1 - rho_hat) / (1 - rho))).sum()
        mistakes = ((expected / z.shape[1], "You averaged over the units: sum the penalty over them."),
                    (per_image.mean().item(), "Average each unit's activation over the batch first "
                                              "(rho_hat = z.mean(dim=0)), then take the KL."),
                    (reversed_kl.item(), "You computed KL(rho_hat || rho): the target rho comes first, "
                                         "KL(rho || rho_hat)."))
        hint = next((advice for wrong, advice in mistakes if matches(value, wrong, atol=1e-4, rtol=1e-4)),
                    "rho_hat = z.mean(dim=0); penalty = sum over units of rho*log(rho/rho_hat) "
                    "+ (1-rho)*log((1-rho)/(1-rho_hat)).")
        raise ExerciseError(f"For rho = {rho} penalty_fn returns {value:.4f}, expected {expected:.4f}. {hint}")
    confirm("the KL sparsity penalty is 0 when every unit's average activation equals rho, and grows as it drifts.")
