"""Self-checks for the exercises: each passes quietly with a short confirmation, or says what to fix."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from course_utils.data import InMemoryLoader
from course_utils.metrics import mse_per_image, psnr


class ExerciseError(AssertionError):
    """An exercise's answer is not right yet; the message says what to look at."""


def _passed(message: str) -> None:
    """Print the confirmation that a check passed; returns None."""
    print(f"Correct: {message}")


def check_shape(value: torch.Tensor, expected: tuple[int, ...], *, name: str = "the tensor") -> None:
    """Check that value is a tensor of the expected shape; returns None or raises ExerciseError."""
    if not isinstance(value, torch.Tensor):
        raise ExerciseError(f"{name} should be a torch tensor, but it is a {type(value).__name__}.")
    if tuple(value.shape) != tuple(expected):
        raise ExerciseError(f"{name} has shape {tuple(value.shape)}, expected {tuple(expected)}. "
                            "Print the shape after each step to see where it changes.")
    _passed(f"{name} has shape {tuple(expected)}.")


def check_close(value: float | torch.Tensor, expected: float | torch.Tensor, *, name: str = "your answer",
                atol: float = 1e-6, hint: str = "") -> None:
    """Check that value matches expected within atol; returns None or raises ExerciseError."""
    value_t, expected_t = torch.as_tensor(value, dtype=torch.float64), torch.as_tensor(expected, dtype=torch.float64)
    if value_t.shape != expected_t.shape:
        raise ExerciseError(f"{name} has shape {tuple(value_t.shape)}, expected {tuple(expected_t.shape)}. {hint}")
    if not torch.allclose(value_t, expected_t, atol=atol, rtol=0):
        gap = (value_t - expected_t).abs().max().item()
        raise ExerciseError(f"{name} is off by up to {gap:.3g} (tolerance {atol:g}). {hint}".strip())
    _passed(f"{name} matches.")


def check_autoencoder(model: nn.Module, *, latent_dim: int) -> None:
    """Check that model has encoder and decoder parts mapping (N, 1, 28, 28) -> (N, latent_dim) -> back; returns None."""
    for part in ("encoder", "decoder"):
        if not isinstance(getattr(model, part, None), nn.Module):
            raise ExerciseError(f"The model needs an attribute `{part}` that is an nn.Module "
                                f"(set self.{part} = nn.Sequential(...) in __init__).")
    x = torch.rand(5, 1, 28, 28)  # (5, 1, 28, 28)
    with torch.no_grad():
        z = model.encoder(x)
        if tuple(z.shape) != (5, latent_dim):
            raise ExerciseError(f"The encoder maps (5, 1, 28, 28) to {tuple(z.shape)}, expected (5, {latent_dim}). "
                                "Did you flatten the image first and end with nn.Linear(..., latent_dim)?")
        x_hat = model.decoder(z)
    if tuple(x_hat.shape) != (5, 1, 28, 28):
        raise ExerciseError(f"The decoder returns shape {tuple(x_hat.shape)}, expected (5, 1, 28, 28). "
                            "End it with nn.Unflatten(1, (1, 28, 28)).")
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError("The decoder's outputs leave [0, 1]; pixels live there, so end with nn.Sigmoid().")
    _passed(f"encoder (N, 1, 28, 28) -> (N, {latent_dim}), decoder back to (N, 1, 28, 28) in [0, 1].")

# --- Notebooks 01-03: learning without labels, the encoder, the decoder -----------------------


def check_mse_per_image(mse_per_image_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check that mse_per_image_fn(x, x_hat) returns each image's mean squared error, shape (N,); returns None."""
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(3, 1, 28, 28, generator=generator)  # (N, 1, 28, 28)
    x_hat = torch.rand(3, 1, 28, 28, generator=generator)  # (N, 1, 28, 28)
    try:
        value = mse_per_image_fn(x, x_hat)
    except Exception as err:  # show the student's own error with a pointer
        raise ExerciseError(f"Calling your function on x and x_hat of shape (3, 1, 28, 28) failed: {err!r}. "
                            "Use tensor operations that work on whole batches.") from err
    value = torch.as_tensor(value, dtype=torch.float64)
    expected = mse_per_image(x.double(), x_hat.double())  # (N,): the course's reference
    if tuple(value.shape) != (3,):
        raise ExerciseError(f"For 3 images your function returns shape {tuple(value.shape)}, expected (3,): "
                            "one number per image. Flatten each image with .flatten(1), then average over dim=1.")
    if torch.allclose(value, expected, atol=1e-6):
        _passed("one mean squared error per image, averaged over its 784 pixels.")
        return
    if torch.allclose(value, expected * x[0].numel(), atol=1e-3):
        raise ExerciseError("Your errors are 784 times too large: you summed over the pixels. Average with .mean(dim=1).")
    if torch.allclose(value, expected.sqrt(), atol=1e-6):
        raise ExerciseError("You return the root of the MSE: drop the square root.")
    raise ExerciseError(f"Your errors {value.numpy().round(4)} differ from the expected {expected.numpy().round(4)}. "
                        "Square the differences (x - x_hat) ** 2 before averaging.")


def check_components_for_variance(k: int, explained_variance_ratio: object, *, fraction: float) -> None:
    """Check that k is the smallest number of components whose explained variance reaches fraction; returns None."""
    ratios = torch.as_tensor(explained_variance_ratio, dtype=torch.float64)  # (k_max,)
    cumulative = torch.cumsum(ratios, dim=0)
    if not isinstance(k, int) and not (isinstance(k, torch.Tensor) and k.numel() == 1):
        raise ExerciseError(f"k should be one whole number of components, got {type(k).__name__}. Use int(...).")
    k = int(k)
    if k < 1 or k > len(cumulative):
        raise ExerciseError(f"k = {k} is outside 1..{len(cumulative)}, the number of components fitted.")
    if cumulative[k - 1] < fraction:
        raise ExerciseError(f"The first {k} components keep only {cumulative[k - 1]:.1%} of the variance, less than "
                            f"{fraction:.0%}. Did you count from 0? k components cover cumsum[k - 1].")
    if k > 1 and cumulative[k - 2] >= fraction:
        raise ExerciseError(f"{k - 1} components already keep {cumulative[k - 2]:.1%}: k = {k} is not the smallest. "
                            "Take the first index where the cumulative sum reaches the fraction, plus one.")
    _passed(f"{k} components keep {cumulative[k - 1]:.1%} of the variance; {k - 1} would not reach {fraction:.0%}.")


def check_encoder(encoder: nn.Module, *, latent_dim: int, linear_code: bool = True) -> None:
    """Check that encoder maps images (N, 1, 28, 28) to codes (N, latent_dim), linear at the end if asked; returns None."""
    if not isinstance(encoder, nn.Module):
        raise ExerciseError(f"The encoder should be an nn.Module, got {type(encoder).__name__}.")
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))  # (16, 1, 28, 28)
    try:
        with torch.no_grad():
            z = encoder(x)
    except RuntimeError as err:
        raise ExerciseError(f"The encoder fails on images of shape (16, 1, 28, 28): {err}. "
                            "Flatten them first: nn.Flatten() turns (N, 1, 28, 28) into (N, 784).") from err
    if not isinstance(z, torch.Tensor) or tuple(z.shape) != (16, latent_dim):
        raise ExerciseError(f"The encoder returns shape {tuple(getattr(z, 'shape', ()))}, expected (16, {latent_dim}). "
                            f"End it with nn.Linear(..., {latent_dim}).")
    if linear_code and not (z < 0).any():
        raise ExerciseError("Every code value is >= 0: an activation (ReLU?) follows the last layer. "
                            "Leave the code linear so that no code dimension can be switched off.")
    _passed(f"images (N, 1, 28, 28) -> codes (N, {latent_dim})" + (", with a linear code." if linear_code else "."))


def check_decoder(decoder: nn.Module, *, latent_dim: int) -> None:
    """Check that decoder maps codes (N, latent_dim) to images (N, 1, 28, 28) with pixels in [0, 1]; returns None."""
    if not isinstance(decoder, nn.Module):
        raise ExerciseError(f"The decoder should be an nn.Module, got {type(decoder).__name__}.")
    z = 10 * torch.randn(16, latent_dim, generator=torch.Generator().manual_seed(0))  # (16, latent_dim), large codes
    try:
        with torch.no_grad():
            x_hat = decoder(z)
    except RuntimeError as err:
        raise ExerciseError(f"The decoder fails on codes of shape (16, {latent_dim}): {err}. "
                            f"Its first layer should be nn.Linear({latent_dim}, ...).") from err
    if not isinstance(x_hat, torch.Tensor) or tuple(x_hat.shape) != (16, 1, 28, 28):
        raise ExerciseError(f"The decoder returns shape {tuple(getattr(x_hat, 'shape', ()))}, expected (16, 1, 28, 28). "
                            "End with nn.Linear(..., 784) and nn.Unflatten(1, (1, 28, 28)).")
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError(f"The decoder's pixels span {x_hat.min().item():.3g}..{x_hat.max().item():.3g}, outside "
                            "[0, 1]. Put nn.Sigmoid() after the last nn.Linear.")
    _passed(f"codes (N, {latent_dim}) -> images (N, 1, 28, 28) with pixels in [0, 1].")


# --- Notebooks 04-05: reconstruction losses, training with gradient descent -------------------


def _close_to(value: float, target: float, *, rtol: float = 1e-4) -> bool:
    """Return whether value equals target within a relative tolerance rtol."""
    return math.isfinite(value) and abs(value - target) <= rtol * max(abs(target), 1e-12)


def check_reconstruction_loss(loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, kind: str) -> None:
    """Check that loss_fn(x, x_hat) returns the mean MSE or BCE over all pixels of all images; returns None."""
    if kind not in ("mse", "bce"):
        raise ValueError(f"kind must be 'mse' or 'bce', got {kind!r}.")
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(4, 1, 28, 28, generator=generator)  # (N, 1, 28, 28) targets
    x[0] = (x[0] > 0.5).float()  # one image of pure black and white, as most MNIST pixels are
    x_hat = torch.rand(4, 1, 28, 28, generator=generator).clamp(0.01, 0.99).requires_grad_()  # (N, 1, 28, 28)
    name = "MSE" if kind == "mse" else "BCE"
    try:
        value = loss_fn(x, x_hat)
    except Exception as err:  # show the student's own error with a pointer
        raise ExerciseError(f"Calling your {name} on x and x_hat of shape (4, 1, 28, 28) failed: {err!r}. "
                            "Use tensor operations that work on whole batches.") from err
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise ExerciseError(f"Your {name} should return one number as a torch tensor (so that .backward() works); "
                            f"got {type(value).__name__} of shape {tuple(getattr(value, 'shape', ()))}. "
                            "Average over every pixel of every image with .mean(), and don't call .item().")
    if not value.requires_grad:
        raise ExerciseError(f"Your {name} is cut off from x_hat's gradient: build it from torch operations only "
                            "(no .item(), .detach() or NumPy).")
    with torch.no_grad():
        got = float(value)
        if kind == "mse":
            reference = nn.functional.mse_loss(x_hat, x).item()
            mistakes = [
                ((x - x_hat).abs().mean().item(), "square each difference (x - x_hat) ** 2 instead of taking its size."),
                (reference**0.5, "that is the root of the MSE: drop the square root."),
            ]
        else:
            reference = nn.functional.binary_cross_entropy(x_hat, x).item()
            mistakes = [(-reference, "the sign is flipped: BCE starts with a minus, -[x log x_hat + (1-x) log(1-x_hat)].")]
    pixels, images = x[0].numel(), len(x)
    mistakes += [
        (reference * pixels * images, "you summed over all values: divide by N * D, or use .mean()."),
        (reference * pixels, "you averaged over images but summed over pixels: average over both with .mean()."),
    ]
    if not math.isfinite(got):
        raise ExerciseError(f"Your {name} is {got}: the log of 0 appeared. Take the log of the predictions x_hat "
                            "(strictly between 0 and 1), never of the targets x, which hold exact 0s and 1s.")
    if _close_to(got, reference):
        _passed(f"your {name} matches PyTorch's ({reference:.5f}) on a batch of 4 images.")
        return
    for wrong, advice in mistakes:
        if _close_to(got, wrong):
            raise ExerciseError(f"Your {name} gives {got:.5g}, expected {reference:.5g}: {advice}")
    raise ExerciseError(f"Your {name} gives {got:.5g}, expected {reference:.5g}. Compare your code with the formula "
                        "term by term, and check the order of the arguments: (x, x_hat).")


def check_sgd_step(step_fn: Callable[[list[torch.Tensor], float], None]) -> None:
    """Check that step_fn(parameters, lr) does theta <- theta - lr * grad in place and clears the gradients; returns None."""
    weight = nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    (weight**2).sum().backward()  # gradient 2 * weight = [2, -4, 6]
    before, grad, lr = weight.detach().clone(), weight.grad.clone(), 0.1
    try:
        step_fn([weight], lr)
    except RuntimeError as err:
        if "in-place" in str(err) or "leaf Variable" in str(err):
            raise ExerciseError("PyTorch refused to change a parameter while recording gradients: "
                                "do the update inside `with torch.no_grad():`.") from err
        raise ExerciseError(f"Your step failed: {err!r}") from err
    after = weight.detach()
    if not weight.requires_grad or not weight.is_leaf:
        raise ExerciseError("The parameter stopped being a trainable leaf tensor: update it in place "
                            "(p -= lr * p.grad) inside torch.no_grad(), don't replace it.")
    if torch.equal(after, before):
        raise ExerciseError("The parameter did not change. `p = p - lr * p.grad` only rebinds a local name; "
                            "update in place with `p -= lr * p.grad` inside torch.no_grad().")
    if torch.allclose(after, before + lr * grad):
        raise ExerciseError("The parameter moved uphill: subtract the gradient (theta - lr * grad), don't add it.")
    if torch.allclose(after, before - grad):
        raise ExerciseError("The step ignores the learning rate: multiply the gradient by lr.")
    if not torch.allclose(after, before - lr * grad):
        raise ExerciseError(f"After one step the parameter is {after.tolist()}, expected "
                            f"{(before - lr * grad).tolist()} (theta - lr * grad).")
    if weight.grad is not None and weight.grad.abs().sum() > 0:
        raise ExerciseError("The update is right, but the gradient is still there: set p.grad = None (or "
                            "p.grad.zero_()) after the step, or the next backward() adds to it.")
    _passed("theta <- theta - lr * grad, in place, with the gradient cleared.")


def check_average_loss(evaluate_fn: Callable[..., float]) -> None:
    """Check that evaluate_fn(model, loader, loss_fn) returns loss_fn averaged over every sample; returns None."""
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(10, 1, 28, 28, generator=generator)  # (10, 1, 28, 28): batches of 4, 4 and 2
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    with torch.no_grad():
        model[1].weight.copy_(torch.randn(784, 784, generator=generator) * 0.05)
        model[1].bias.zero_()
    loader = InMemoryLoader(x, batch_size=4)
    with torch.no_grad():
        batch_losses = [nn.functional.mse_loss(model(batch), batch).item() for batch in loader]
        expected = nn.functional.mse_loss(model(x), x).item()
        expected_l1 = nn.functional.l1_loss(model(x), x).item()
    results = []
    for loss_fn in (nn.MSELoss(), nn.L1Loss()):
        result = evaluate_fn(model, loader, loss_fn)
        if isinstance(result, torch.Tensor):
            if result.requires_grad:
                raise ExerciseError("Your evaluate returns a tensor that still tracks gradients: run the loop under "
                                    "torch.no_grad() and return a float (.item()).")
            result = float(result)
        if not isinstance(result, float):
            raise ExerciseError(f"Your evaluate should return one float, got {type(result).__name__}.")
        results.append(result)
    got, got_l1 = results
    if _close_to(got, sum(batch_losses) / len(batch_losses)) and not _close_to(got, expected):
        raise ExerciseError("You averaged the batch means equally, but the last batch holds 2 images, not 4: "
                            "add loss.item() * len(x) per batch and divide by the number of images.")
    if _close_to(got, batch_losses[-1]):
        raise ExerciseError("You returned the last batch's loss: add up the losses of all batches.")
    if _close_to(got, sum(batch_losses)):
        raise ExerciseError("You returned the sum of the batch losses: divide by the number of images.")
    if not _close_to(got, expected):
        raise ExerciseError(f"Your evaluate gives {got:.5g}, expected {expected:.5g} (the MSE over all 10 images).")
    if not _close_to(got_l1, expected_l1):
        raise ExerciseError("With loss_fn=nn.L1Loss() your evaluate still gives the MSE: use the loss_fn argument, "
                            "not a loss object defined outside the function.")
    _passed("evaluate averages loss_fn over every image, weighting each batch by its size.")


# --- Notebooks 06-07: the latent space, convolution arithmetic --------------------------------


def check_interpolation(interpolate: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check that interpolate(z_a, z_b, steps) returns the straight path from z_a to z_b; returns None."""
    z_a, z_b = torch.tensor([0.0, 1.0, -2.0]), torch.tensor([4.0, -1.0, 2.0])
    path = interpolate(z_a, z_b, 5)
    if not isinstance(path, torch.Tensor):
        raise ExerciseError(f"interpolate should return a torch tensor, but it returned a {type(path).__name__}.")
    if tuple(path.shape) != (5, 3):
        raise ExerciseError(f"interpolate(z_a, z_b, 5) for codes of size 3 has shape {tuple(path.shape)}, "
                            "expected (steps, latent_dim) = (5, 3): one row per step.")
    if not (torch.allclose(path[0], z_a, atol=1e-5) and torch.allclose(path[-1], z_b, atol=1e-5)):
        raise ExerciseError("The path should start at z_a and end at z_b: let t run from 0 to 1 with both ends "
                            "included, e.g. torch.linspace(0, 1, steps).")
    expected = z_a + torch.linspace(0, 1, 5).unsqueeze(1) * (z_b - z_a)  # (5, 3)
    if not torch.allclose(path, expected, atol=1e-5):
        raise ExerciseError("The ends are right but the steps are not evenly spaced on the straight line "
                            "z(t) = (1 - t) z_a + t z_b.")
    _passed("interpolate walks from z_a to z_b in evenly spaced steps.")


def check_nearest_neighbours(nearest_neighbours: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> None:
    """Check that nearest_neighbours(z_query, z_bank, k) returns the k nearest rows' indices, nearest first."""
    generator = torch.Generator().manual_seed(0)
    z_bank = torch.randn(50, 4, generator=generator)  # (50, 4)
    z_query = torch.randn(3, 4, generator=generator)  # (3, 4)
    result = nearest_neighbours(z_query, z_bank, 5)
    if not isinstance(result, torch.Tensor):
        raise ExerciseError(f"nearest_neighbours should return a torch tensor, got a {type(result).__name__}.")
    if tuple(result.shape) != (3, 5):
        raise ExerciseError(f"For 3 queries and k=5 the result has shape {tuple(result.shape)}, expected (3, 5).")
    if result.is_floating_point():
        raise ExerciseError("Return the indices of the neighbours (integers), not their distances: "
                            "use the .indices of topk.")
    expected = torch.cdist(z_query, z_bank).topk(5, dim=1, largest=False).indices  # (3, 5)
    if torch.equal(result.long(), expected.flip(1)):
        raise ExerciseError("You return the right neighbours but farthest first: sort nearest first.")
    if not torch.equal(result.long(), expected):
        if torch.equal(result.long(), torch.cdist(z_query, z_bank).topk(5, dim=1).indices):
            raise ExerciseError("These are the farthest codes: pass largest=False to topk.")
        raise ExerciseError("Some indices are not the nearest rows of z_bank by Euclidean distance "
                            "(torch.cdist(z_query, z_bank) gives all distances, shape (Q, B)).")
    _passed("nearest_neighbours returns the k nearest codes, nearest first.")


def check_principal_angles(principal_angles: Callable[..., object]) -> None:
    """Check that principal_angles(a, b) returns the principal angles in degrees, ascending; returns None."""
    import numpy as np
    from scipy.linalg import subspace_angles

    rng = np.random.default_rng(0)
    a = rng.normal(size=(20, 3))  # (20, 3): columns span a 3-D subspace, not orthonormal on purpose
    b = a @ rng.normal(size=(3, 3)) + 0.3 * rng.normal(size=(20, 3))  # a tilted version of it
    result = np.asarray(principal_angles(a, b), dtype=float)
    expected = np.sort(np.degrees(subspace_angles(a, b)))  # (3,)
    if result.shape != expected.shape:
        raise ExerciseError(f"Got shape {result.shape}, expected {expected.shape}: one angle per dimension k.")
    if np.allclose(result, np.radians(expected), atol=1e-4):
        raise ExerciseError("These are radians: convert with np.degrees.")
    if np.allclose(np.sort(result), expected, atol=1e-4) and not np.allclose(result, expected, atol=1e-4):
        raise ExerciseError("The angles are right but not sorted from smallest to largest: use np.sort.")
    if not np.allclose(result, expected, atol=1e-4):
        raise ExerciseError(f"Expected {np.round(expected, 3)} degrees, got {np.round(result, 3)}. "
                            "Did you orthonormalise both bases with np.linalg.qr before the SVD of Q1.T @ Q2?")
    same = np.asarray(principal_angles(a, a @ rng.normal(size=(3, 3))), dtype=float)
    if not np.allclose(same, 0.0, atol=1e-3):
        raise ExerciseError("Two bases of the same subspace should give angles of 0 degrees; clip the cosines "
                            "to [-1, 1] before np.arccos.")
    _passed("principal_angles matches scipy.linalg.subspace_angles.")


def check_conv_output_size(conv_output_size: Callable[[int, int, int, int], int]) -> None:
    """Check conv_output_size(size, kernel_size, stride, padding) against nn.Conv2d; returns None."""
    for size, kernel, stride, padding in ((28, 3, 2, 1), (14, 3, 2, 1), (28, 5, 1, 0), (7, 3, 1, 1), (28, 4, 3, 2)):
        expected = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)(torch.zeros(1, 1, size, size)).shape[-1]
        result = conv_output_size(size, kernel, stride, padding)
        if result != expected:
            raise ExerciseError(f"For size={size}, kernel_size={kernel}, stride={stride}, padding={padding} "
                                f"nn.Conv2d gives {expected}, you give {result!r}. Use floor division: "
                                "(size + 2 * padding - kernel_size) // stride + 1.")
    _passed("conv_output_size matches nn.Conv2d.")


def check_conv_transpose_output_size(conv_transpose_output_size: Callable[[int, int, int, int, int], int]) -> None:
    """Check conv_transpose_output_size(size, kernel_size, stride, padding, output_padding) against PyTorch."""
    for size, kernel, stride, padding, extra in ((7, 3, 2, 1, 1), (14, 3, 2, 1, 1), (7, 4, 2, 1, 0), (5, 3, 1, 0, 0),
                                                 (3, 5, 3, 2, 2)):
        layer = nn.ConvTranspose2d(1, 1, kernel, stride=stride, padding=padding, output_padding=extra)
        expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
        result = conv_transpose_output_size(size, kernel, stride, padding, extra)
        if result != expected:
            raise ExerciseError(f"For size={size}, kernel_size={kernel}, stride={stride}, padding={padding}, "
                                f"output_padding={extra} nn.ConvTranspose2d gives {expected}, you give {result!r}. "
                                "Use (size - 1) * stride - 2 * padding + kernel_size + output_padding.")
    _passed("conv_transpose_output_size matches nn.ConvTranspose2d.")


# --- Notebooks 08-09: denoising, compression --------------------------------------------------


def check_psnr_formula(psnr_of_noise: Callable[[float], float]) -> None:
    """Check a function sigma -> PSNR in dB of unclipped Gaussian noise of std sigma (data range 1); returns None."""
    for sigma in (0.05, 0.2, 0.5):
        expected = -20.0 * math.log10(sigma)
        value = psnr_of_noise(sigma)
        if not isinstance(value, (int, float)) and not (isinstance(value, torch.Tensor) and value.numel() == 1):
            raise ExerciseError(f"psnr_of_noise({sigma}) should return one number, got {type(value).__name__}.")
        value = float(value)
        if abs(value - expected) > 1e-3:
            hints = {round(-10.0 * math.log10(sigma), 3): "You used 10*log10(sigma): the MSE is sigma**2, not sigma.",
                     round(20.0 * math.log10(sigma), 3): "The sign is flipped: PSNR = 10*log10(1 / MSE).",
                     round(-2.0 * math.log(sigma) * 10, 3): "Use log10, not the natural log."}
            hint = hints.get(round(value, 3), "The noise's MSE is sigma**2 on average; PSNR = 10*log10(1**2 / MSE).")
            raise ExerciseError(f"For sigma = {sigma} you return {value:.3f} dB, expected {expected:.3f} dB. {hint}")
    _passed("PSNR of unclipped noise = -20 log10(sigma) dB (20 dB at sigma = 0.1).")


def check_denoiser(denoise: Callable[[torch.Tensor], torch.Tensor], x_clean: torch.Tensor, x_noisy: torch.Tensor,
                   *, min_gain_db: float) -> None:
    """Check that denoise(x_noisy) keeps the shape, stays in [0, 1] and gains min_gain_db of PSNR; returns None."""

    x_hat = denoise(x_noisy)
    if not isinstance(x_hat, torch.Tensor):
        raise ExerciseError(f"The denoiser should return a torch tensor, got {type(x_hat).__name__}; "
                            "wrap NumPy results with torch.from_numpy(...).")
    if x_hat.shape != x_noisy.shape:
        raise ExerciseError(f"The denoiser returns shape {tuple(x_hat.shape)}, expected {tuple(x_noisy.shape)}. "
                            "Filter over the two image axes only, e.g. size=(1, 1, k, k).")
    if x_hat.min() < 0 or x_hat.max() > 1:
        raise ExerciseError("The denoised pixels leave [0, 1]; clamp them with .clamp(0, 1).")
    gain = psnr(x_clean, x_hat.float()) - psnr(x_clean, x_noisy)
    if gain < min_gain_db:
        raise ExerciseError(f"The denoiser gains {gain:.2f} dB of PSNR over the noisy input; it should gain at least "
                            f"{min_gain_db:.1f} dB. Pick its setting on training images by PSNR, not by eye.")
    _passed(f"the denoiser gains {gain:.2f} dB of PSNR (needed {min_gain_db:.1f} dB).")


def check_codec_rate(rate_of: Callable[[int, int], tuple[float, float, float]]) -> None:
    """Check a function (latent_dim, bits) -> (bits per image, bits per pixel, compression ratio); returns None."""
    for latent_dim, bits in ((16, 4), (8, 6), (32, 2)):
        per_image = latent_dim * bits
        expected = (per_image, per_image / 784, 784 * 8 / per_image)
        answer = rate_of(latent_dim, bits)
        if not isinstance(answer, tuple) or len(answer) != 3:
            raise ExerciseError("Return a tuple of three numbers: (bits per image, bits per pixel, compression ratio).")
        for name, value, target, hint in zip(
            ("bits per image", "bits per pixel", "compression ratio"), answer, expected,
            ("Each of the latent_dim numbers costs `bits` bits.", "Divide by the 28 * 28 = 784 pixels.",
             "The raw image costs 784 pixels * 8 bits; divide that by the code's bits.")):
            if abs(float(value) - target) > 1e-6 * max(1.0, target):
                raise ExerciseError(f"For latent_dim={latent_dim}, bits={bits} your {name} is {float(value):.4g}, "
                                    f"expected {target:.4g}. {hint}")
    _passed("16 dimensions at 4 bits cost 64 bits per image, 0.082 bits per pixel, 98x smaller than 8-bit pixels.")


def check_entropy_function(entropy_bits: Callable[[torch.Tensor], float]) -> None:
    """Check a function probabilities -> entropy in bits against known distributions; returns None."""
    cases = (([0.125] * 8, 3.0, "Eight equally likely symbols need log2(8) = 3 bits."),
             ([0.5, 0.25, 0.25], 1.5, "Use log base 2: -sum p * log2(p)."),
             ([1.0, 0.0, 0.0], 0.0, "Symbols with p = 0 contribute nothing (0 * log 0 = 0): mask them out, "
                                    "or you get NaN."))
    for probabilities, expected, hint in cases:
        value = entropy_bits(torch.tensor(probabilities))
        value = float(value)
        if value != value or abs(value - expected) > 1e-5:
            raise ExerciseError(f"For p = {probabilities} you return {value:.4g} bits, expected {expected:g}. {hint}")
    _passed("entropy in bits: 3 for 8 equally likely symbols, 1.5 for (1/2, 1/4, 1/4), 0 for a certain symbol.")
