"""Tests for course_utils.checks.anomaly (notebook 10)."""

import numpy as np
import pytest
import torch
from scipy.stats import rankdata

from course_utils.checks import ExerciseError, check_auc_by_ranks, check_l1_scores, check_threshold_for_fpr


def auc_by_ranks(normal, anomaly, method="average"):
    ranks = rankdata(np.r_[normal, anomaly], method=method)
    n_a, n_n = len(anomaly), len(normal)
    return (ranks[n_n:].sum() - n_a * (n_a + 1) / 2) / (n_a * n_n)


def test_check_auc_by_ranks_passes_right_answers(capsys):
    check_auc_by_ranks(auc_by_ranks)
    check_auc_by_ranks(lambda normal, anomaly: torch.tensor(auc_by_ranks(normal, anomaly)))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_auc_by_ranks_names_mistakes():
    with pytest.raises(ExerciseError, match="1 - AUC"):
        check_auc_by_ranks(lambda normal, anomaly: 1 - auc_by_ranks(normal, anomaly))
    with pytest.raises(ExerciseError, match="average rank"):
        check_auc_by_ranks(lambda normal, anomaly: auc_by_ranks(normal, anomaly, method="ordinal"))
    with pytest.raises(ExerciseError, match="n_a n_n"):
        check_auc_by_ranks(lambda normal, anomaly: 0.5)
    with pytest.raises(ExerciseError, match=r"divide by n_a \* n_n"):
        check_auc_by_ranks(lambda normal, anomaly: auc_by_ranks(normal, anomaly) * len(normal) * len(anomaly))
    with pytest.raises(ExerciseError, match="one number"):
        check_auc_by_ranks(lambda normal, anomaly: [0.5, 0.5])
    with pytest.raises(ExerciseError, match="returned None"):
        check_auc_by_ranks(lambda normal, anomaly: None)


def test_check_threshold_for_fpr(capsys):
    check_threshold_for_fpr(lambda scores, target: np.quantile(scores, 1 - target))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"\(1 - target_fpr\) quantile"):
        check_threshold_for_fpr(lambda scores, target: np.quantile(scores, target))
    with pytest.raises(ExerciseError, match="percents"):
        check_threshold_for_fpr(lambda scores, target: np.percentile(scores, 1 - target))
    with pytest.raises(ExerciseError, match="normal scores' quantiles"):
        check_threshold_for_fpr(lambda scores, target: scores.mean() + scores.std())


def test_check_l1_scores(capsys):
    check_l1_scores(lambda x, x_hat: (x - x_hat).abs().flatten(1).mean(dim=1))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="all images"):
        check_l1_scores(lambda x, x_hat: (x - x_hat).abs().mean())
    with pytest.raises(ExerciseError, match="one number per image"):
        check_l1_scores(lambda x, x_hat: (x - x_hat).abs())
    with pytest.raises(ExerciseError, match="squared errors"):
        check_l1_scores(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1))
    with pytest.raises(ExerciseError, match="sums over the pixels"):
        check_l1_scores(lambda x, x_hat: (x - x_hat).abs().flatten(1).sum(dim=1))
    with pytest.raises(ExerciseError, match="differ"):
        check_l1_scores(lambda x, x_hat: (x - x_hat).abs().flatten(1).amax(dim=1))
