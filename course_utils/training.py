"""Devices, seeds, and the training loop that notebook 05 teaches: fit, evaluate, predict."""

from __future__ import annotations

import math
import os
import random
import time
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

Batch = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
History = dict[str, list[float]]


def get_device(preferred: str | None = None) -> torch.device:
    """Return the device to train on: `preferred` or $COURSE_DEVICE if set, else cuda, then mps, then cpu."""
    choice = preferred or os.environ.get("COURSE_DEVICE", "").strip() or None
    if choice is not None:
        try:
            device = torch.device(choice)
        except RuntimeError as err:
            raise ValueError(f"Unknown device {choice!r}: use 'cpu', 'cuda', 'cuda:0' or 'mps'.") from err
        available = {
            "cpu": True,
            "cuda": torch.cuda.is_available(),
            "mps": torch.backends.mps.is_available(),
        }.get(device.type, False)
        if not available:
            raise ValueError(
                f"Device {choice!r} was asked for (argument or COURSE_DEVICE) but is not available here. "
                "Unset COURSE_DEVICE or pass 'cpu'."
            )
        reason = "as requested"
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
    if not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}.")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.backends.cudnn.benchmark = False  # autotuning picks kernels by timing, which varies run to run


def _split_batch(batch: Batch, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (input, target) on device: a lone tensor is its own target; a pair is (input, target)."""
    if isinstance(batch, torch.Tensor):
        batch = batch.to(device)
        return batch, batch
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        inputs, targets = batch
        if targets.dtype in (torch.int64, torch.int32, torch.uint8) and targets.ndim == 1:
            raise TypeError(
                "The loader yields (images, labels), but an autoencoder's target is the image itself. "
                "Build the loader from the images alone: InMemoryLoader(x_train, batch_size=...)."
            )
        return inputs.to(device), targets.to(device)
    raise TypeError(f"A batch must be a tensor or an (input, target) pair, got {type(batch).__name__}.")


def _model_device(model: nn.Module) -> torch.device:
    """Return the device of the model's first parameter (cpu for a model without parameters)."""
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    input_transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> float:
    """Return the model's loss averaged over every sample in loader (default loss: mean squared error)."""
    loss_fn = loss_fn or nn.MSELoss()
    device = _model_device(model)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in loader:
            inputs, targets = _split_batch(batch, device)
            if input_transform is not None:
                inputs = input_transform(inputs)
            total += loss_fn(model(inputs), targets).item() * len(inputs)  # per-batch mean -> sum
            count += len(inputs)
    model.train(was_training)
    if count == 0:
        raise ValueError("The loader yielded no batches: is the dataset empty?")
    return total / count


def fit(
    model: nn.Module,
    train_loader: Iterable[Batch],
    *,
    num_epochs: int,
    lr: float = 1e-3,
    optimizer: torch.optim.Optimizer | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    test_loader: Iterable[Batch] | None = None,
    input_transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    progress: bool = True,
) -> History:
    """Train model to reconstruct its inputs and return the history: per-epoch train_loss, test_loss, seconds.

    Each batch is a tensor x (the target is x itself) or a pair (input, target). With
    input_transform, the model sees input_transform(x) but must still reconstruct x
    (a denoising autoencoder). The default optimizer is Adam at lr; the default loss is MSE.
    """
    if not isinstance(num_epochs, int) or num_epochs < 1:
        raise ValueError(f"num_epochs must be a positive integer, got {num_epochs!r}.")
    loss_fn = loss_fn or nn.MSELoss()
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    device = _model_device(model)
    history: History = {"train_loss": [], "seconds": []}
    if test_loader is not None:
        history["test_loss"] = []
    bar = tqdm(total=num_epochs * len(train_loader), disable=not progress, desc="training")
    for epoch in range(1, num_epochs + 1):
        model.train()
        start, total, count = time.perf_counter(), 0.0, 0
        for batch in train_loader:
            inputs, targets = _split_batch(batch, device)
            if input_transform is not None:
                inputs = input_transform(inputs)
            loss = loss_fn(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(inputs)
            count += len(inputs)
            bar.update()
            bar.set_postfix(epoch=f"{epoch}/{num_epochs}", loss=f"{total / count:.4f}")
        train_loss = total / count
        if not math.isfinite(train_loss):
            bar.close()
            raise RuntimeError(f"The training loss became {train_loss} in epoch {epoch}: lower lr and try again.")
        history["train_loss"].append(train_loss)
        history["seconds"].append(time.perf_counter() - start)
        if test_loader is not None:
            history["test_loss"].append(
                evaluate(model, test_loader, loss_fn=loss_fn, input_transform=input_transform)
            )
    bar.close()
    model.eval()
    return history


def predict(model: nn.Module, x: torch.Tensor, *, batch_size: int = 1024) -> torch.Tensor:
    """Return model(x) computed in batches without gradients, on the CPU (works for model.encoder too)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"predict takes a torch tensor, got {type(x).__name__}.")
    device = _model_device(model)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        outputs = [model(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)]
    model.train(was_training)
    return torch.cat(outputs)
