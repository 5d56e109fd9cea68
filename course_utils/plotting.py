"""Figures the course draws again and again: image grids, reconstructions, loss curves."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

COURSE_STYLE = {
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
}


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (called explicitly, never on import); returns None."""
    plt.rcParams.update(COURSE_STYLE)


def _as_image_array(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """Return images as a NumPy array of shape (N, H, W), accepting (N, 1, H, W), (N, H, W) or (N, H*W)."""
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().float().numpy()
    elif not isinstance(images, np.ndarray):
        raise TypeError(f"Expected a tensor or NumPy array of images, got {type(images).__name__}.")
    if images.ndim == 4 and images.shape[1] == 1:
        return images[:, 0]
    if images.ndim == 3:
        return images
    if images.ndim == 2 and math.isqrt(images.shape[1]) ** 2 == images.shape[1]:
        side = math.isqrt(images.shape[1])
        return images.reshape(len(images), side, side)
    raise ValueError(
        f"Cannot show images of shape {images.shape}: use (N, 1, H, W), (N, H, W) or flat square (N, H*W)."
    )


def show_images(
    images: torch.Tensor | np.ndarray,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    suptitle: str | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
) -> Figure:
    """Return a figure showing images in a grid, each with an optional title (grey scale, 0 = black)."""
    array = _as_image_array(images)
    if len(array) == 0:
        raise ValueError("No images to show: the batch is empty.")
    if titles is not None and len(titles) != len(array):
        raise ValueError(f"Got {len(titles)} titles for {len(array)} images; give one title per image.")
    ncols = max(1, min(ncols, len(array)))
    nrows = math.ceil(len(array) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.4 * nrows + (0.4 if suptitle else 0)),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(array):
            ax.imshow(array[index], cmap="gray", vmin=vmin, vmax=vmax)
            if titles is not None:
                ax.set_title(titles[index], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_reconstructions(
    x: torch.Tensor | np.ndarray,
    x_hat: torch.Tensor | np.ndarray,
    *,
    n: int = 8,
    title: str | None = None,
    row_labels: tuple[str, str] = ("original", "reconstruction"),
) -> Figure:
    """Return a figure with n originals in the top row and their reconstructions below."""
    originals, reconstructions = _as_image_array(x), _as_image_array(x_hat)
    if originals.shape != reconstructions.shape:
        raise ValueError(f"x has shape {originals.shape} but x_hat has {reconstructions.shape}; they must match.")
    n = min(n, len(originals))
    fig, axes = plt.subplots(2, n, figsize=(1.3 * n, 3.0 + (0.4 if title else 0)), squeeze=False)
    for row, (array, label) in enumerate(zip((originals, reconstructions), row_labels)):
        for col in range(n):
            ax = axes[row, col]
            ax.imshow(array[col], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[row, 0].set_ylabel(label, fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(
    history: dict[str, list[float]], *, title: str = "Training history", log_scale: bool = False
) -> Figure:
    """Return a figure of the per-epoch losses in a history from course_utils.training.fit."""
    curves = {key: values for key, values in history.items() if key.endswith("_loss")}
    if not curves:
        raise ValueError(f"The history has no '*_loss' entries to plot (keys: {sorted(history)}); "
                         "pass the dict that fit() returned.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=key.replace("_", " "))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig
