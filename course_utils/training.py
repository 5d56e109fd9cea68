"""Devices, seeds, and the training loop that notebook 05 teaches: fit, evaluate, predict."""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Iterable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from course_utils._validation import (
    check_bool,
    check_device,
    check_instance,
    check_int,
    check_loader,
    check_number,
    check_seed,
    check_tensor,
    describe,
)

Batch = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
History = dict[str, list[float]]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def get_device(preferred: str | torch.device | None = None) -> torch.device:
    """Return the device to train on: `preferred` or $COURSE_DEVICE if set, else cuda, then mps, then cpu."""
    if preferred is not None:
        device, reason = check_device(preferred, "preferred"), "as requested"
    elif os.environ.get("COURSE_DEVICE", "").strip():
        device, reason = check_device(os.environ["COURSE_DEVICE"].strip(), "COURSE_DEVICE"), "as requested"
    elif torch.cuda.is_available():
        device, reason = torch.device("cuda"), torch.cuda.get_device_name(0)
    elif torch.backends.mps.is_available():
        device, reason = torch.device("mps"), "Apple GPU"
    else:
        device, reason = torch.device("cpu"), "no CUDA or MPS GPU found"
    print(f"Using device: {device} ({reason})")
    return device


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch so that CPU runs repeat bit for bit; returns None."""
    seed = check_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.backends.cudnn.benchmark = False  # autotuning picks kernels by timing, which varies run to run


def _split_batch(batch: Batch, device: torch.device, loader_name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (input, target) on device: a lone tensor is its own target; a pair is (input, target)."""
    if isinstance(batch, torch.Tensor):
        batch = batch.to(device)
        return batch, batch
    if isinstance(batch, (tuple, list)) and len(batch) == 2 and all(isinstance(t, torch.Tensor) for t in batch):
        inputs, targets = batch
        if targets.ndim == 1 and not targets.is_floating_point():
            raise TypeError(
                f"{loader_name} yields (images, labels), but an autoencoder's target is the image itself. "
                "Build the loader from the images alone: InMemoryLoader(x_train, batch_size=...)."
            )
        return inputs.to(device), targets.to(device)
    raise TypeError(f"{loader_name} must yield tensors x or (input, target) pairs of tensors, "
                    f"got a batch {describe(batch)}.")


def _loss(loss_fn: LossFn, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Return loss_fn's one-element loss: a function is called (x, x_hat), a PyTorch loss object (x_hat, x)."""
    loss = loss_fn(x_hat, x) if isinstance(loss_fn, nn.Module) else loss_fn(x, x_hat)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:  # metadata only: no GPU sync per batch
        raise TypeError(f"loss_fn must return a one-element tensor (the batch's mean loss), got {describe(loss)}; "
                        "keep it a torch tensor (no .item(), no NumPy) and average with .mean().")
    return loss


def _check_training_arguments(model: object, loss_fn: object, input_transform: object) -> LossFn:
    """Return the loss function to use (MSE by default) after checking the arguments fit and evaluate share."""
    check_instance(model, "model", nn.Module, "a torch.nn.Module")
    if input_transform is not None:
        check_instance(input_transform, "input_transform", Callable, "a function of a batch, e.g. lambda x: ...")
    if loss_fn is None:
        return nn.MSELoss()
    return check_instance(loss_fn, "loss_fn", Callable,
                          "a function loss_fn(x, x_hat) or a PyTorch loss such as nn.MSELoss()")


def _model_device(model: nn.Module) -> torch.device:
    """Return the device of the model's first parameter (cpu for a model without parameters)."""
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    loss_fn: LossFn | None = None,
    input_transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> float:
    """Return the model's loss averaged over every sample in loader (default loss: mean squared error).

    loss_fn is called target first, loss_fn(x, x_hat), like every loss and metric in the course; a
    PyTorch loss object (any nn.Module, e.g. nn.BCELoss()) is called in PyTorch's order, loss_fn(x_hat, x).
    """
    loss_fn = _check_training_arguments(model, loss_fn, input_transform)
    check_loader(loader, "loader")
    device = _model_device(model)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        with torch.no_grad():
            for batch in loader:
                inputs, targets = _split_batch(batch, device, "loader")
                if input_transform is not None:
                    inputs = input_transform(inputs)
                total += _loss(loss_fn, targets, model(inputs)).item() * len(inputs)  # per-batch mean -> sum
                count += len(inputs)
    finally:
        model.train(was_training)  # even after an error: the caller's model keeps its mode
    return total / count


def fit(
    model: nn.Module,
    train_loader: Iterable[Batch],
    *,
    num_epochs: int,
    lr: float = 1e-3,
    optimizer: torch.optim.Optimizer | None = None,
    loss_fn: LossFn | None = None,
    test_loader: Iterable[Batch] | None = None,
    input_transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    progress: bool = True,
) -> History:
    """Train model to reconstruct its inputs and return the history: per-epoch train_loss, test_loss, seconds.

    Each batch is a tensor x (the target is x itself) or a pair (input, target). With
    input_transform, the model sees input_transform(x) but must still reconstruct x
    (a denoising autoencoder). The default optimizer is Adam at lr; the default loss is MSE.
    loss_fn is called target first, loss_fn(x, x_hat), like every loss and metric in the course (a
    learner's bce(x, x_hat) works unchanged); a PyTorch loss object (any nn.Module, e.g. nn.BCELoss())
    is called in PyTorch's (input, target) order, loss_fn(x_hat, x).
    """
    loss_fn = _check_training_arguments(model, loss_fn, input_transform)
    check_loader(train_loader, "train_loader")
    if test_loader is not None:
        check_loader(test_loader, "test_loader")
    num_epochs = check_int(num_epochs, "num_epochs")
    lr = check_number(lr, "lr", minimum=0.0, strict_minimum=True)
    progress = check_bool(progress, "progress")
    if optimizer is None:
        if not any(p.requires_grad for p in model.parameters()):
            raise ValueError(f"model must have trainable parameters to fit, got {type(model).__name__} with none.")
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    check_instance(optimizer, "optimizer", torch.optim.Optimizer, "a torch.optim optimizer, e.g. torch.optim.SGD(...)")
    device = _model_device(model)
    history: History = {"train_loss": [], "seconds": []}
    if test_loader is not None:
        history["test_loss"] = []
    bar = tqdm(total=num_epochs * len(train_loader), disable=not progress, desc="training")
    try:
        for epoch in range(1, num_epochs + 1):
            model.train()
            start, total, count = time.perf_counter(), 0.0, 0
            for batch in train_loader:
                inputs, targets = _split_batch(batch, device, "train_loader")
                if input_transform is not None:
                    inputs = input_transform(inputs)
                loss = _loss(loss_fn, targets, model(inputs))
                if not loss.requires_grad:
                    raise TypeError("loss_fn's result is cut off from the model's gradient: build it from torch "
                                    "operations on x_hat only (no .detach(), .item() or NumPy).")
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(inputs)
                count += len(inputs)
                bar.update()
                bar.set_postfix(epoch=f"{epoch}/{num_epochs}", loss=f"{total / count:.4f}")
            train_loss = total / count
            if not math.isfinite(train_loss):
                raise RuntimeError(f"The training loss became {train_loss} in epoch {epoch}: lower lr and try again.")
            history["train_loss"].append(train_loss)
            history["seconds"].append(time.perf_counter() - start)
            if test_loader is not None:
                history["test_loss"].append(
                    evaluate(model, test_loader, loss_fn=loss_fn, input_transform=input_transform)
                )
    finally:
        bar.close()
    model.eval()
    return history


def predict(model: nn.Module, x: torch.Tensor, *, batch_size: int = 1024) -> torch.Tensor:
    """Return model(x) computed in batches without gradients, on the CPU (works for model.encoder too)."""
    check_instance(model, "model", nn.Module, "a torch.nn.Module")
    x = check_tensor(x, "x")
    batch_size = check_int(batch_size, "batch_size")
    device = _model_device(model)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            outputs = [model(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(outputs)


def vae_loss(
    x: torch.Tensor, x_hat: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor, *, beta: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return (loss, recon, kl), each a batch mean of per-image sums: loss = recon + beta * kl (negative ELBO at 1).

    recon is the binary cross-entropy of the pixel probabilities x_hat against x, summed over pixels; kl is
    KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, summed over code dimensions. Both are averaged over the
    N images of the batch, never over pixels or dimensions (that would weight the KL term D or k times too much).
    """
    # Metadata only (shapes, dtypes): the loss runs on every batch, and reading values would sync a GPU.
    x = check_tensor(x, "x", min_ndim=2, finite=False)
    x_hat = check_tensor(x_hat, "x_hat", min_ndim=2, finite=False)
    if x.shape != x_hat.shape:
        raise ValueError(f"x and x_hat must have the same shape, got {tuple(x.shape)} and {tuple(x_hat.shape)}.")
    mu = check_tensor(mu, "mu", ndim=2, finite=False)
    logvar = check_tensor(logvar, "logvar", ndim=2, finite=False)
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape (N, latent_dim), got {tuple(mu.shape)} and "
                         f"{tuple(logvar.shape)}.")
    if len(mu) != len(x):
        raise ValueError(f"mu must hold one row per image of x ({len(x)}), got {describe(mu)}.")
    beta = check_number(beta, "beta", minimum=0.0)
    recon = nn.functional.binary_cross_entropy(x_hat, x, reduction="none").flatten(1).sum(dim=1)  # (N,)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)  # (N,): closed form against N(0, I)
    recon, kl = recon.mean(), kl.mean()
    return recon + beta * kl, recon, kl
