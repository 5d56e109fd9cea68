"""Tests for course_utils.checks.losses_and_training (notebooks 04-05)."""

import pytest
import torch
from torch import nn

from course_utils.checks import ExerciseError, check_average_loss, check_reconstruction_loss, check_sgd_step


def test_check_reconstruction_loss_accepts_the_formulas_and_names_mistakes(capsys):
    check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).mean(), kind="mse")
    check_reconstruction_loss(
        lambda x, x_hat: -(x * x_hat.log() + (1 - x) * (1 - x_hat).log()).mean(), kind="bce")
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="divide by N \\* D"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).sum(), kind="mse")
    with pytest.raises(ExerciseError, match="square each difference"):
        check_reconstruction_loss(lambda x, x_hat: (x - x_hat).abs().mean(), kind="mse")
    with pytest.raises(ExerciseError, match="root of the MSE"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).mean().sqrt(), kind="mse")
    with pytest.raises(ExerciseError, match="sign is flipped"):
        check_reconstruction_loss(lambda x, x_hat: (x * x_hat.log() + (1 - x) * (1 - x_hat).log()).mean(), kind="bce")
    with pytest.raises(ExerciseError, match="log of 0"):
        check_reconstruction_loss(lambda x, x_hat: -(x_hat * x.log() + (1 - x_hat) * (1 - x).log()).mean(), kind="bce")
    with pytest.raises(ExerciseError, match="one number as a torch tensor"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).mean().item(), kind="mse")
    with pytest.raises(ExerciseError, match="cut off from x_hat's gradient"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat.detach()) ** 2).mean(), kind="mse")
    with pytest.raises(ValueError, match="kind"):
        check_reconstruction_loss(lambda x, x_hat: x, kind="mae")


def test_check_reconstruction_loss_names_the_sum_over_the_pixels_of_another_input_shape():
    with pytest.raises(ExerciseError, match="summed over all values"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).sum(), kind="mse", input_shape=(1, 10, 10))


def _sgd_step(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            p -= lr * p.grad
            p.grad = None


def test_check_sgd_step_accepts_the_update_and_names_mistakes(capsys):
    check_sgd_step(_sgd_step)  # returns None, as an in-place step should
    assert "Correct" in capsys.readouterr().out

    def uphill(parameters, lr):
        with torch.no_grad():
            for p in parameters:
                p += lr * p.grad

    def rebinds(parameters, lr):
        for p in parameters:
            p = p - lr * p.grad  # noqa: F841 (the mistake under test)

    def keeps_grad(parameters, lr):
        with torch.no_grad():
            for p in parameters:
                p -= lr * p.grad

    def no_no_grad(parameters, lr):
        for p in parameters:
            p -= lr * p.grad

    def no_lr(parameters, lr):
        with torch.no_grad():
            for p in parameters:
                p -= p.grad
                p.grad = None

    for wrong, message in ((uphill, "uphill"), (rebinds, "did not change"), (keeps_grad, "gradient is still there"),
                           (no_no_grad, "PyTorch refused.*torch.no_grad"), (no_lr, "ignores the learning rate")):
        with pytest.raises(ExerciseError, match=message):
            check_sgd_step(wrong)


def _evaluate(model, loader, loss_fn):
    total, count = 0.0, 0
    with torch.no_grad():
        for x in loader:
            total += loss_fn(model(x), x).item() * len(x)
            count += len(x)
    return total / count


def test_check_average_loss_accepts_a_weighted_mean_and_names_mistakes(capsys):
    check_average_loss(_evaluate)
    check_average_loss(lambda model, loader, loss_fn: torch.tensor(_evaluate(model, loader, loss_fn)))
    assert capsys.readouterr().out.count("Correct") == 2

    def mean_of_means(model, loader, loss_fn):
        with torch.no_grad():
            losses = [loss_fn(model(x), x).item() for x in loader]
        return sum(losses) / len(losses)

    outer_loss = nn.MSELoss()

    def ignores_loss_fn(model, loader, loss_fn):
        return _evaluate(model, loader, outer_loss)

    def keeps_graph(model, loader, loss_fn):
        return sum(loss_fn(model(x), x) * len(x) for x in loader) / 10

    def last_batch(model, loader, loss_fn):
        with torch.no_grad():
            return [loss_fn(model(x), x).item() for x in loader][-1]

    def as_list(model, loader, loss_fn):
        return [_evaluate(model, loader, loss_fn)]

    for wrong, message in ((mean_of_means, "last batch holds 2 images"), (ignores_loss_fn, "loss_fn argument"),
                           (keeps_graph, "tracks gradients"), (last_batch, "last batch's loss"),
                           (as_list, "should be one number")):
        with pytest.raises(ExerciseError, match=message):
            check_average_loss(wrong)
