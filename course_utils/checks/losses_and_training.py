"""Checks for notebooks 04-05: a reconstruction loss (MSE, BCE), one gradient-descent step, the average loss."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from course_utils._validation import check_choice
from course_utils.checks._core import (
    MNIST_SHAPE,
    ExerciseError,
    answer_number,
    call_student,
    confirm,
    image_shape,
    matches,
    skips_unsolved,
)
from course_utils.data import InMemoryLoader

RTOL = 1e-4  # losses are compared relative to their size: float32 sums over thousands of pixels round


@skips_unsolved
def check_reconstruction_loss(loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, kind: str,
                              input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that loss_fn(x, x_hat) returns the mean MSE or BCE over all pixels of all images; returns None."""
    kind, input_shape = check_choice(kind, "kind", ("mse", "bce")), image_shape(input_shape)
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(4, *input_shape, generator=generator)  # (N, *input_shape) targets
    x[0] = (x[0] > 0.5).float()  # one image of pure black and white, as most MNIST pixels are
    x_hat = torch.rand(4, *input_shape, generator=generator).clamp(0.01, 0.99).requires_grad_()  # (N, *input_shape)
    name = "MSE" if kind == "mse" else "BCE"
    value = call_student(loss_fn, x, x_hat, what=f"your {name}", hint=f"It was given x and x_hat of shape "
                         f"{tuple(x.shape)}: use tensor operations that work on whole batches.")
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise ExerciseError(f"Your {name} should return one number as a torch tensor (so that .backward() works); "
                            f"got {type(value).__name__} of shape {tuple(getattr(value, 'shape', ()))}. "
                            "Average over every pixel of every image with .mean(), and don't call .item().")
    if not value.requires_grad:
        raise ExerciseError(f"Your {name} is cut off from x_hat's gradient: build it from torch operations only "
                            "(no .item(), .detach() or NumPy).")
    got = answer_number(value, f"your {name}", finite=False)
    if not math.isfinite(got):
        raise ExerciseError(f"Your {name} is {got}: the log of 0 appeared. Take the log of the predictions x_hat "
                            "(strictly between 0 and 1), never of the targets x, which hold exact 0s and 1s.")
    with torch.no_grad():
        if kind == "mse":
            reference = nn.functional.mse_loss(x_hat, x).item()
            mistakes = [
                ((x - x_hat).abs().mean().item(),
                 "square each difference (x - x_hat) ** 2 instead of taking its size."),
                (reference**0.5, "that is the root of the MSE: drop the square root."),
            ]
        else:
            reference = nn.functional.binary_cross_entropy(x_hat, x).item()
            mistakes = [(-reference,
                         "the sign is flipped: BCE starts with a minus, -[x log x_hat + (1-x) log(1-x_hat)].")]
    pixels, images = x[0].numel(), len(x)
    mistakes += [
        (reference * pixels * images, "you summed over all values: divide by N * D, or use .mean()."),
        (reference * pixels, "you averaged over images but summed over pixels: average over both with .mean()."),
    ]
    if matches(got, reference, atol=0, rtol=RTOL):
        confirm(f"your {name} matches PyTorch's ({reference:.5f}) on a batch of 4 images.")
        return
    for wrong, advice in mistakes:
        if matches(got, wrong, atol=0, rtol=RTOL):
            raise ExerciseError(f"Your {name} gives {got:.5g}, expected {reference:.5g}: {advice}")
    raise ExerciseError(f"Your {name} gives {got:.5g}, expected {reference:.5g}. Compare your code with the formula "
                        "term by term, and check the order of the arguments: (x, x_hat).")


def _step_hint(err: Exception) -> str:
    """Return the advice for an optimiser step that raised err."""
    if "in-place" in str(err) or "leaf Variable" in str(err):
        return ("PyTorch refused to change a parameter while recording gradients: do the update inside "
                "`with torch.no_grad():`.")
    return "Update each parameter in place, p -= lr * p.grad, inside `with torch.no_grad():`."


@skips_unsolved
def check_sgd_step(step_fn: Callable[[list[torch.Tensor], float], None]) -> None:
    """Check that step_fn(parameters, lr) does theta <- theta - lr * grad in place, then clears the gradients."""
    weight = nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    (weight**2).sum().backward()  # gradient 2 * weight = [2, -4, 6]
    before, grad, lr = weight.detach().clone(), weight.grad.clone(), 0.1
    call_student(step_fn, [weight], lr, what="your step", hint=_step_hint, returns_value=False)
    after = weight.detach()
    if not weight.requires_grad or not weight.is_leaf:
        raise ExerciseError("The parameter stopped being a trainable leaf tensor: update it in place "
                            "(p -= lr * p.grad) inside torch.no_grad(), don't replace it.")
    if matches(after, before, atol=0):
        raise ExerciseError("The parameter did not change. `p = p - lr * p.grad` only rebinds a local name; "
                            "update in place with `p -= lr * p.grad` inside torch.no_grad().")
    if matches(after, before + lr * grad):
        raise ExerciseError("The parameter moved uphill: subtract the gradient (theta - lr * grad), don't add it.")
    if matches(after, before - grad):
        raise ExerciseError("The step ignores the learning rate: multiply the gradient by lr.")
    if not matches(after, before - lr * grad):
        raise ExerciseError(f"After one step the parameter is {after.tolist()}, expected "
                            f"{(before - lr * grad).tolist()} (theta - lr * grad).")
    if weight.grad is not None and weight.grad.abs().sum() > 0:
        raise ExerciseError("The update is right, but the gradient is still there: set p.grad = None (or "
                            "p.grad.zero_()) after the step, or the next backward() adds to it.")
    confirm("theta <- theta - lr * grad, in place, with the gradient cleared.")


@skips_unsolved
def check_average_loss(evaluate_fn: Callable[..., float], *, input_shape: tuple[int, ...] = MNIST_SHAPE) -> None:
    """Check that evaluate_fn(model, loader, loss_fn) returns loss_fn averaged over every sample; returns None."""
    input_shape = image_shape(input_shape)
    pixels = math.prod(input_shape)
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(10, *input_shape, generator=generator)  # (10, *input_shape): batches of 4, 4 and 2
    model = nn.Sequential(nn.Flatten(), nn.Linear(pixels, pixels), nn.Sigmoid(), nn.Unflatten(1, input_shape))
    with torch.no_grad():
        model[1].weight.copy_(torch.randn(pixels, pixels, generator=generator) * 0.05)
        model[1].bias.zero_()
    loader = InMemoryLoader(x, batch_size=4)
    with torch.no_grad():
        batch_losses = [nn.functional.mse_loss(model(batch), batch).item() for batch in loader]
        expected = nn.functional.mse_loss(model(x), x).item()
        expected_l1 = nn.functional.l1_loss(model(x), x).item()
    results = []
    for loss_fn in (nn.MSELoss(), nn.L1Loss()):
        result = call_student(evaluate_fn, model, loader, loss_fn, what="your evaluate",
                              hint="It was given a model, a loader of 10 images in batches of 4, 4 and 2, and "
                                   "loss_fn: loop over the loader and call loss_fn on each batch.")
        if isinstance(result, torch.Tensor) and result.requires_grad:
            raise ExerciseError("Your evaluate returns a tensor that still tracks gradients: run the loop under "
                                "torch.no_grad() and return a float (.item()).")
        results.append(answer_number(result, "the result of your evaluate"))
    got, got_l1 = results

    def close(value: float, target: float) -> bool:
        return matches(value, target, atol=0, rtol=RTOL)

    if close(got, sum(batch_losses) / len(batch_losses)) and not close(got, expected):
        raise ExerciseError("You averaged the batch means equally, but the last batch holds 2 images, not 4: "
                            "add loss.item() * len(x) per batch and divide by the number of images.")
    if close(got, batch_losses[-1]):
        raise ExerciseError("You returned the last batch's loss: add up the losses of all batches.")
    if close(got, sum(batch_losses)):
        raise ExerciseError("You returned the sum of the batch losses: divide by the number of images.")
    if not close(got, expected):
        raise ExerciseError(f"Your evaluate gives {got:.5g}, expected {expected:.5g} (the MSE over all 10 images).")
    if not close(got_l1, expected_l1):
        raise ExerciseError("With loss_fn=nn.L1Loss() your evaluate still gives the MSE: use the loss_fn argument, "
                            "not a loss object defined outside the function.")
    confirm("evaluate averages loss_fn over every image, weighting each batch by its size.")
