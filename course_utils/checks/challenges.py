"""Checks for notebook 12, challenges: per-class errors, oversampling indices, per-position accuracy of sequences."""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_utils.checks._core import ExerciseError, answer_tensor, call_student, confirm, matches, skips_unsolved


def _test_errors_and_labels() -> tuple[torch.Tensor, torch.Tensor]:
    """Return 60 made-up per-image errors and labels 0-3 of unequal counts (class 3 has only 3 images)."""
    generator = torch.Generator().manual_seed(0)
    labels = torch.cat([torch.zeros(25), torch.ones(20), torch.full((12,), 2), torch.full((3,), 3)]).long()
    labels = labels[torch.randperm(len(labels), generator=generator)]  # (60,)
    errors = 0.01 + 0.05 * torch.rand(len(labels), generator=generator) + 0.02 * labels  # (60,)
    return errors, labels


@skips_unsolved
def check_per_class_error(per_class_error: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check that per_class_error(errors, labels, num_classes) returns each class's mean error; returns None."""
    errors, labels = _test_errors_and_labels()
    value = call_student(per_class_error, errors.clone(), labels.clone(), 4, what="per_class_error",
                         hint="It was given errors of shape (60,), labels of shape (60,) and num_classes=4.")
    value = answer_tensor(value, "per_class_error(errors, labels, 4)",
                          hint="Every class has images here: look at how you divide by each class's count.")
    if tuple(value.shape) != (4,):
        raise ExerciseError(f"per_class_error(errors, labels, 4) has shape {tuple(value.shape)}, expected (4,): "
                            "one mean error per class.")
    expected = torch.stack([errors[labels == c].mean() for c in range(4)]).double()  # (4,)
    if matches(value, expected, atol=1e-6):
        confirm("per_class_error averages the errors of each class's images separately.")
        return
    sums = torch.stack([errors[labels == c].sum() for c in range(4)]).double()
    if matches(value, sums, atol=1e-6):
        raise ExerciseError("You return each class's summed error: divide by the number of images of that class.")
    if matches(value, sums / len(errors), atol=1e-6):
        raise ExerciseError("You divide each class's sum by the number of all images; divide by the number of "
                            "images of that class, or classes with few images look better than they are.")
    if matches(value, torch.full((4,), errors.mean().item()).double(), atol=1e-6):
        raise ExerciseError("Every class gets the overall mean: select each class's errors with labels == c.")
    raise ExerciseError(f"Expected {expected.numpy().round(4).tolist()}, got {value.numpy().round(4).tolist()}. "
                        "For each class c, average errors[labels == c].")


@skips_unsolved
def check_oversample_indices(oversample_indices: Callable[[torch.Tensor, int, int], torch.Tensor]) -> None:
    """Check oversample_indices(labels, rare_class, target_count): all images, rare ones repeated; returns None."""
    _, labels = _test_errors_and_labels()  # class 3 has 3 images
    for target_count in (3, 10, 11):
        what = f"oversample_indices(labels, 3, {target_count})"
        indices = call_student(oversample_indices, labels.clone(), 3, target_count, what=what,
                               hint="It was given labels of shape (60,) in which class 3 has 3 images.")
        if not isinstance(indices, torch.Tensor):
            raise ExerciseError(f"{what} should return a torch tensor of indices, got {type(indices).__name__}.")
        if indices.is_floating_point() and indices.isnan().any():
            raise ExerciseError(f"{what} contains NaN (not a number): return integer indices, e.g. torch.arange(...).")
        if indices.ndim != 1 or indices.is_floating_point() or indices.dtype == torch.bool:
            raise ExerciseError(f"{what} should return a 1-D tensor of integer indices (a LongTensor), got shape "
                                f"{tuple(indices.shape)} and dtype {indices.dtype}; a boolean mask is not enough.")
        if len(indices) and (indices.min() < 0 or indices.max() >= len(labels)):
            raise ExerciseError(f"{what} returns indices outside 0..{len(labels) - 1}: index the labels, "
                                "not the class numbers.")
        counts = torch.bincount(labels[indices], minlength=4)
        if counts[3] != target_count:
            raise ExerciseError(f"{what} gives {counts[3].item()} images of class 3, expected {target_count}. "
                                "Add target_count - (its current count) extra copies of the rare images.")
        if not torch.equal(counts[:3], torch.bincount(labels, minlength=4)[:3]):
            raise ExerciseError(f"{what} changes the other classes' counts: keep each of their images exactly once.")
        if len(torch.unique(indices)) != len(labels):
            raise ExerciseError(f"{what} leaves some images out: keep every original index at least once, and "
                                "spread the repeats over all the rare images (e.g. cycle through them).")
        repeats = torch.bincount(indices, minlength=len(labels))[labels == 3]  # (3,): copies of each rare image
        if repeats.max() - repeats.min() > 1:
            raise ExerciseError(f"{what} repeats some rare images much more than others ({repeats.tolist()} copies): "
                                "cycle through them so their counts differ by at most 1.")
    confirm("oversample_indices keeps every image and repeats the rare class evenly up to target_count.")


@skips_unsolved
def check_per_position_accuracy(per_position_accuracy: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check that per_position_accuracy(x, x_hat) returns the argmax accuracy at each position; returns None."""
    generator = torch.Generator().manual_seed(1)
    letters = torch.randint(0, 4, (30, 7), generator=generator)  # (N, L)
    x = torch.nn.functional.one_hot(letters, 4).permute(0, 2, 1).float()  # (N, 4, L): one-hot over 4 letters
    x_hat = torch.randn(30, 4, 7, generator=generator) + 1.5 * x  # (N, 4, L): scores, right more often than not
    value = call_student(per_position_accuracy, x.clone(), x_hat.clone(), what="per_position_accuracy",
                         hint="It was given one-hot x and scores x_hat, both of shape (30, 4, 7) = (N, letters, L).")
    value = answer_tensor(value, "per_position_accuracy(x, x_hat)")
    expected = (x_hat.argmax(dim=1) == letters).double().mean(dim=0)  # (L,)
    if tuple(value.shape) != (7,):
        hints = {(30,): "You averaged over positions: average over the sequences (dim 0) instead.",
                 (4, 7): "Take the argmax over the 4 letters (dim 1) before comparing."}
        hint = hints.get(tuple(value.shape), "Compare argmaxes over the letters (dim 1), then average over dim 0.")
        raise ExerciseError(f"per_position_accuracy has shape {tuple(value.shape)}, expected (L,) = (7,). {hint}")
    if matches(value, expected, atol=1e-6):
        confirm("per_position_accuracy compares the most likely letter with the true one at each position.")
        return
    if matches(value, 1 - expected, atol=1e-6):
        raise ExerciseError("You return the share of wrong letters: count where the argmaxes are equal.")
    raise ExerciseError(f"Expected {expected.numpy().round(3).tolist()}, got {value.numpy().round(3).tolist()}. "
                        "Compare x_hat.argmax(dim=1) with x.argmax(dim=1) and average over dim 0.")
