"""Devices, seeds, and the training loop that notebook 05 teaches: fit, evaluate, predict."""

from __future__ import annotations

import math
import os
import pickle
import random
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from course_utils._files import replace_atomically
from course_utils._validation import (
    check_bool,
    check_device,
    check_instance,
    check_int,
    check_loader,
    check_number,
    check_path,
    check_seed,
    check_tensor,
    describe,
)

Batch = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
History = dict[str, list[float]]
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

CHECKPOINT_FORMAT = "course_utils.fit checkpoint 1"
CHECKPOINT_KEYS = {"format", "epoch", "num_epochs", "model", "optimizer", "optimizer_class", "history", "cpu_rng_state",
                   "settings"}


class CheckpointError(RuntimeError):
    """A checkpoint file that fit cannot resume from: corrupt, not saved by fit, or saved for another model."""


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


def seed_everything(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy and torch, and choose deterministic kernels where PyTorch has them; returns None."""
    seed = check_seed(seed)
    deterministic = check_bool(deterministic, "deterministic")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    torch.backends.cudnn.benchmark = False  # autotuning picks kernels by timing, which varies run to run
    if deterministic:
        # cuBLAS reads this when it starts; without it, matrix products on CUDA may differ run to run.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cudnn.deterministic = deterministic
    # PyTorch's switch for deterministic kernels matters on GPUs; its first use in a process costs over a second
    # (it loads the compiler's settings), so without CUDA it is left as it is unless deterministic=False asks
    # for it off: the course's CPU runs repeat bit for bit without it (tests/test_training.py).
    enabled = torch.are_deterministic_algorithms_enabled()
    if torch.cuda.is_available() or (enabled and not deterministic):
        # warn_only: an operation with no deterministic kernel warns instead of stopping the lesson (a learner's
        # own strict setting is kept).
        warn_only = torch.is_deterministic_algorithms_warn_only_enabled() if enabled else True
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


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


def _run_settings(
    optimizer: torch.optim.Optimizer, train_loader: Iterable[Batch], *, loss_fn: LossFn, input_transform: object,
) -> dict:
    """Return the settings a resumed run must share with the saved one: batches per epoch, learning rates, loss."""
    return {"batches_per_epoch": len(train_loader), "lr": [group["lr"] for group in optimizer.param_groups],
            "loss_fn": getattr(loss_fn, "__name__", type(loss_fn).__name__),
            "input_transform": input_transform is not None}


def _training_state(
    epoch: int, model: nn.Module, *, num_epochs: int, optimizer: torch.optim.Optimizer,
    train_loader: Iterable[Batch], history: History, settings: dict,
) -> dict:
    """Return everything fit needs to go on after epoch, as tensors and plain values (what weights_only loads)."""
    state = {
        "format": CHECKPOINT_FORMAT, "epoch": epoch, "num_epochs": num_epochs, "settings": settings,
        "model": model.state_dict(), "optimizer": optimizer.state_dict(),
        "optimizer_class": type(optimizer).__name__, "history": history,
        "cpu_rng_state": torch.get_rng_state(),  # input_transform, dropout and torch's DataLoader draw from it
    }
    if torch.cuda.is_initialized():  # never initialised: nothing drew from the CUDA generators
        state["cuda_rng_states"] = torch.cuda.get_rng_state_all()
    generator = getattr(train_loader, "generator", None)
    if isinstance(generator, torch.Generator):  # InMemoryLoader shuffles with its own generator
        state["loader_rng_state"] = generator.get_state()
    return state


def _save_checkpoint(path: Path, state: dict) -> None:
    """Write state to path atomically (a temporary file beside it, then a rename); returns None."""
    def write(part: Path) -> None:
        with open(part, "wb") as file:
            torch.save(state, file)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on disk before the rename makes them the checkpoint

    try:
        replace_atomically(path, write)
    except Exception as err:  # a KeyboardInterrupt goes through as it is, after the clean-up
        kept = f"the previous checkpoint in {path} is unchanged" if path.exists() else "no checkpoint was kept"
        message = (f"Could not save the checkpoint {path}: {err}. No partial file was left and {kept}. "
                   "Free some disk space (or fix the folder's permissions), or pass another checkpoint path.")
        if isinstance(err, OSError):
            raise OSError(err.errno, message) from err
        raise RuntimeError(message) from err


def _unreadable_checkpoint(path: Path, err: Exception, fix: str) -> CheckpointError:
    """Return the error for a checkpoint file that torch.load refused: corrupt, or holding unsafe objects."""
    if isinstance(err, pickle.UnpicklingError) and zipfile.is_zipfile(path):  # whole, but holds other objects
        return CheckpointError(f"{path} is not a checkpoint saved by fit: it holds Python objects other than "
                               f"tensors and plain values, which are not loaded because that can run code. {fix}")
    if isinstance(err, pickle.UnpicklingError):  # not a file from torch.save at all
        return CheckpointError(f"{path} is corrupt: it was not written by torch.save, or it was cut short. {fix}")
    reason = str(err).split("\n")[0].split(". ")[0][:100] or "the file ends early"  # e.g. a truncated archive
    return CheckpointError(f"{path} is corrupt ({type(err).__name__}: {reason}). {fix}")


def _load_checkpoint(path: Path) -> dict:
    """Return the checkpoint that fit saved in path, after checking that it is one."""
    fix = "Delete it to start training afresh, or pass another checkpoint path."
    with open(path, "rb") as file:  # a file we cannot open (permissions, a folder) raises here, naming it
        try:
            # weights_only: only tensors and plain values are loaded, as unpickling anything else can run code.
            # On the CPU: random-generator states must be CPU tensors; load_state_dict moves the rest to the model.
            checkpoint = torch.load(file, map_location="cpu", weights_only=True)
        except Exception as err:
            raise _unreadable_checkpoint(path, err, fix) from err
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        keys = ", ".join(repr(key) for key in list(checkpoint)[:3]) if isinstance(checkpoint, dict) else ""
        held = f"a dict with keys {keys}..." if keys else describe(checkpoint)
        raise CheckpointError(f"{path} is not a checkpoint saved by fit: it holds {held} (a model's state_dict "
                              "saved with torch.save, perhaps). fit will not overwrite it: pass another checkpoint "
                              "path, or delete it if you no longer need it.")
    missing = CHECKPOINT_KEYS - set(checkpoint)
    if missing:
        raise CheckpointError(f"{path} is corrupt: it lacks {', '.join(sorted(missing))}. {fix}")
    return checkpoint


def _resume(
    path: Path, model: nn.Module, *, optimizer: torch.optim.Optimizer, train_loader: Iterable[Batch],
    history: History, num_epochs: int, settings: dict,
) -> int:
    """Return the number of epochs done, after restoring model, optimizer, history and random generators from path."""
    checkpoint = _load_checkpoint(path)
    fix = "Pass another checkpoint path, or delete it to start afresh."
    # Compare before loading anything, so that a refused checkpoint leaves the model and optimizer as they were.
    saved = {name: tuple(getattr(value, "shape", ())) for name, value in checkpoint["model"].items()}
    expected = {name: tuple(getattr(value, "shape", ())) for name, value in model.state_dict().items()}
    if saved != expected:
        differ = sorted(set(saved) ^ set(expected)) or [name for name in expected if saved[name] != expected[name]]
        raise CheckpointError(f"{path} belongs to a different model: its weights differ in {', '.join(differ[:3])}. "
                              f"{fix}")
    if checkpoint["optimizer_class"] != type(optimizer).__name__:
        raise CheckpointError(f"{path} was saved with the optimizer {checkpoint['optimizer_class']}, but fit now "
                              f"uses {type(optimizer).__name__}: use the same one to resume. {fix}")
    if set(checkpoint["history"]) != set(history):
        with_test = "with" if "test_loss" in checkpoint["history"] else "without"
        raise CheckpointError(f"{path} was saved {with_test} a test_loader: call fit the same way to resume. {fix}")
    changed = [f"{name} {checkpoint['settings'].get(name)!r} -> {value!r}" for name, value in settings.items()
               if checkpoint["settings"].get(name) != value]
    if changed:  # new data, batch size, learning rate or loss: resuming would mix two different runs
        raise CheckpointError(f"{path} was saved by a run with other settings ({'; '.join(changed)}): resuming "
                              f"would mix two runs. Delete it to train afresh with the new settings. {fix}")
    done = checkpoint["epoch"]
    if num_epochs < done:
        raise ValueError(f"num_epochs is {num_epochs}, but the checkpoint {path} already holds {done} epochs: pass "
                         f"num_epochs >= {done}, or another checkpoint path.")
    try:
        optimizer.load_state_dict(checkpoint["optimizer"])  # checks its parameter groups before changing anything
    except (ValueError, KeyError) as err:
        raise CheckpointError(f"{path} belongs to a different model or optimizer ({err}). {fix}") from err
    model.load_state_dict(checkpoint["model"])
    for name in history:
        history[name].extend(checkpoint["history"][name])
    # The generators as they were after epoch `done`: the next epoch draws the same shuffle and noise as unbroken.
    torch.set_rng_state(checkpoint["cpu_rng_state"])
    if "cuda_rng_states" in checkpoint and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(checkpoint["cuda_rng_states"])
    generator = getattr(train_loader, "generator", None)
    if "loader_rng_state" in checkpoint and isinstance(generator, torch.Generator):
        generator.set_state(checkpoint["loader_rng_state"])
    return done


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
    checkpoint: str | Path | None = None,
) -> History:
    """Train model to reconstruct its inputs and return the history: per-epoch train_loss, test_loss, seconds.

    Each batch is a tensor x (the target is x itself) or a pair (input, target). With
    input_transform, the model sees input_transform(x) but must still reconstruct x
    (a denoising autoencoder). The default optimizer is Adam at lr; the default loss is MSE.
    loss_fn is called target first, loss_fn(x, x_hat), like every loss and metric in the course (a
    learner's bce(x, x_hat) works unchanged); a PyTorch loss object (any nn.Module, e.g. nn.BCELoss())
    is called in PyTorch's (input, target) order, loss_fn(x_hat, x).

    With checkpoint (a file path), fit saves its state there after every epoch: the weights, the optimizer,
    the history, and torch's and the train loader's random generators. If that file exists when fit starts,
    fit resumes from it (the same call again after a crash carries on) and ends with the same weights and
    history as an unbroken run; it refuses a file saved with other batches per epoch, learning rates, loss
    or input transform. The file is replaced atomically, so it always holds a whole checkpoint, and
    it is loaded with weights_only=True, so loading it never runs code.
    """
    loss_fn = _check_training_arguments(model, loss_fn, input_transform)
    check_loader(train_loader, "train_loader")
    if test_loader is not None:
        check_loader(test_loader, "test_loader")
    num_epochs = check_int(num_epochs, "num_epochs")
    lr = check_number(lr, "lr", minimum=0.0, strict_minimum=True)
    progress = check_bool(progress, "progress")
    if checkpoint is not None:
        checkpoint = check_path(checkpoint, "checkpoint")
    if optimizer is None:
        if not any(p.requires_grad for p in model.parameters()):
            raise ValueError(f"model must have trainable parameters to fit, got {type(model).__name__} with none.")
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    check_instance(optimizer, "optimizer", torch.optim.Optimizer, "a torch.optim optimizer, e.g. torch.optim.SGD(...)")
    device = _model_device(model)
    history: History = {"train_loss": [], "seconds": []}
    if test_loader is not None:
        history["test_loss"] = []
    done = 0
    if checkpoint is not None:
        settings = _run_settings(optimizer, train_loader, loss_fn=loss_fn, input_transform=input_transform)
        if checkpoint.exists():
            done = _resume(checkpoint, model, optimizer=optimizer, train_loader=train_loader, history=history,
                           num_epochs=num_epochs, settings=settings)
            if done == num_epochs:
                print(f"Training is already done: {checkpoint} holds all {num_epochs} epochs.")
                model.eval()
                return history
            print(f"Resuming from {checkpoint}: epoch {done} of {num_epochs} done.")
        checkpoint.parent.mkdir(parents=True, exist_ok=True)  # fail now, not after the first epoch
    bar = tqdm(total=num_epochs * len(train_loader), initial=done * len(train_loader), disable=not progress,
               desc="training")
    try:
        for epoch in range(done + 1, num_epochs + 1):
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
                bar.update()  # redraws at most ~10 times a second; a redraw per batch would flood Jupyter
                bar.set_postfix(epoch=f"{epoch}/{num_epochs}", loss=f"{total / count:.4f}", refresh=False)
            train_loss = total / count
            if not math.isfinite(train_loss):
                raise RuntimeError(f"The training loss became {train_loss} in epoch {epoch}: lower lr and try again.")
            history["train_loss"].append(train_loss)
            history["seconds"].append(time.perf_counter() - start)
            if test_loader is not None:
                history["test_loss"].append(
                    evaluate(model, test_loader, loss_fn=loss_fn, input_transform=input_transform)
                )
            if checkpoint is not None:
                _save_checkpoint(checkpoint, _training_state(
                    epoch, model, num_epochs=num_epochs, optimizer=optimizer, train_loader=train_loader,
                    history=history, settings=settings))
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
