"""Checks for notebook 10, anomaly detection: ROC AUC from ranks, a threshold for a target FPR, an L1 score."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from course_utils.checks._core import (
    ExerciseError,
    answer_number,
    answer_tensor,
    call_student,
    confirm,
    matches,
    skips_unsolved,
)


def _score_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Return (description, normal scores, anomaly scores) test cases, ties and perfect separation included."""
    rng = np.random.default_rng(0)
    return [
        ("overlapping scores", rng.normal(0.0, 1.0, 40), rng.normal(0.8, 1.0, 25)),
        ("scores with ties", rng.integers(0, 5, 30).astype(np.float64), rng.integers(2, 8, 20).astype(np.float64)),
        ("perfectly separated scores", np.linspace(0.0, 1.0, 10), np.linspace(2.0, 3.0, 7)),
        ("anomalies scoring lower", rng.normal(2.0, 1.0, 15), rng.normal(0.0, 1.0, 12)),
    ]


@skips_unsolved
def check_auc_by_ranks(auc: Callable[[np.ndarray, np.ndarray], float]) -> None:
    """Check a function (normal_scores, anomaly_scores) -> ROC AUC against scikit-learn's roc_auc_score."""
    for description, normal, anomaly in _score_cases():
        labels = np.r_[np.zeros(len(normal)), np.ones(len(anomaly))]
        expected = roc_auc_score(labels, np.r_[normal, anomaly])
        what = f"your AUC function on {description}"
        value = answer_number(call_student(auc, normal.copy(), anomaly.copy(), what=what), what)
        if matches(value, expected, atol=1e-6):
            continue
        if matches(value, 1.0 - expected, atol=1e-6):
            hint = "You return 1 - AUC: sum the ranks of the ANOMALY scores (anomalies should score higher)."
        elif description == "scores with ties":
            hint = "Tied scores must share their average rank: use scipy.stats.rankdata (method 'average')."
        elif 0.0 <= value <= 1.0:
            hint = ("Rank all scores together (1 = lowest), sum the anomalies' ranks R, then "
                    "AUC = (R - n_a (n_a + 1) / 2) / (n_a n_n).")
        else:
            hint = "An AUC lies in [0, 1]: divide by n_a * n_n, the number of (anomaly, normal) pairs."
        raise ExerciseError(f"On {description} your AUC is {value:.4f}, scikit-learn's is {expected:.4f}. {hint}")
    confirm("your rank-based AUC matches roc_auc_score, ties included.")


@skips_unsolved
def check_threshold_for_fpr(threshold: Callable[[np.ndarray, float], float]) -> None:
    """Check a function (normal_scores, target_fpr) -> threshold flagging about target_fpr of the normal scores."""
    scores = np.random.default_rng(1).gamma(2.0, 1.0, 1000)  # skewed, like reconstruction errors
    for target in (0.05, 0.01, 0.2):
        what = f"your threshold function with target_fpr = {target}"
        value = answer_number(call_student(threshold, scores.copy(), target, what=what), what)
        flagged = float(np.mean(scores > value))  # the false-positive rate this threshold gives on these scores
        if abs(flagged - target) <= 2.0 / len(scores):
            continue
        if abs(flagged - (1.0 - target)) <= 2.0 / len(scores):
            hint = ("It flags 1 - target_fpr of the normal scores: take the (1 - target_fpr) quantile, "
                    "e.g. np.quantile(scores, 1 - target_fpr).")
        elif abs(flagged - (1.0 - (1.0 - target) / 100)) <= 0.01:
            hint = ("It flags almost every score: np.percentile takes percents (95), np.quantile fractions (0.95); "
                    "do not mix them.")
        else:
            hint = "A score above the threshold is flagged; choose it from the normal scores' quantiles."
        raise ExerciseError(f"With target_fpr = {target} your threshold {value:.4g} flags {flagged:.1%} of the normal "
                            f"scores, expected about {target:.0%}. {hint}")
    confirm("your threshold flags the target share of normal scores (5%, 1% and 20%).")


@skips_unsolved
def check_l1_scores(scores: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a function (x, x_hat) -> each image's mean absolute pixel error, shape (N,)."""
    generator = torch.Generator().manual_seed(2)
    x = torch.rand(6, 1, 28, 28, generator=generator)
    x_hat = torch.rand(6, 1, 28, 28, generator=generator)
    expected = (x - x_hat).abs().flatten(1).mean(dim=1)  # (6,)
    value = answer_tensor(call_student(scores, x.clone(), x_hat.clone(), what="your score function"),
                          "your scores")
    if value.shape != expected.shape:
        if value.numel() == 1:
            hint = "You averaged over all images: average over each image's pixels only, e.g. .flatten(1).mean(dim=1)."
        else:
            hint = "Return one number per image: flatten each image (.flatten(1)) and average over dim=1."
        raise ExerciseError(f"Your scores have shape {tuple(value.shape)}, expected {tuple(expected.shape)}. {hint}")
    if matches(value, (x - x_hat).pow(2).flatten(1).mean(dim=1), atol=1e-5):
        raise ExerciseError("These are squared errors: the L1 score takes the absolute value, (x - x_hat).abs().")
    if matches(value, (x - x_hat).abs().flatten(1).sum(dim=1), atol=1e-3):
        raise ExerciseError("These are sums over the pixels: divide by the D = 784 pixels (take the mean).")
    if not matches(value, expected, atol=1e-5):
        raise ExerciseError("Your scores differ from each image's mean of |x - x_hat| over its pixels; "
                            "print both for one image to compare.")
    confirm("one mean absolute error per image.")
