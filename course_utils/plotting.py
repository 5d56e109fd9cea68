"""Figures the course draws again and again: image grids, reconstructions, loss curves."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils._validation import as_image_array

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


def show_image_rows(
    rows: Mapping[str, torch.Tensor | np.ndarray],
    *,
    n: int = 8,
    title: str | None = None,
    titles: Sequence[str] | None = None,
) -> Figure:
    """Return a figure with one labelled row of n images per entry of rows ({label: images}), e.g. original/reconstruction."""
    if not rows:
        raise ValueError("rows must map at least one label to images, e.g. {'original': x, 'reconstruction': x_hat}.")
    arrays = {label: as_image_array(images, f"rows[{label!r}]") for label, images in rows.items()}
    n = min(n, *(len(array) for array in arrays.values()))
    if titles is not None and len(titles) < n:
        raise ValueError(f"titles must hold one title per column ({n}), got {len(titles)}.")
    fig, axes = plt.subplots(len(arrays), n, figsize=(1.3 * n, 1.5 * len(arrays) + (0.4 if title else 0)),
                             squeeze=False)
    for row, (label, array) in enumerate(arrays.items()):
        for col in range(n):
            ax = axes[row, col]
            ax.imshow(array[col], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            if titles is not None and row == 0:
                ax.set_title(titles[col], fontsize=9)
        axes[row, 0].set_ylabel(label, fontsize=10)
    if title:
        fig.suptitle(title)
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
    if isinstance(row_labels, str) or len(row_labels) != 2:
        raise ValueError(f"row_labels must hold two labels (for x and x_hat), got {row_labels!r}.")
    originals, reconstructions = as_image_array(x, "x"), as_image_array(x_hat, "x_hat")
    if originals.shape != reconstructions.shape:
        raise ValueError(f"x and x_hat must have the same shape, got {originals.shape} and {reconstructions.shape}.")
    return show_image_rows({row_labels[0]: originals, row_labels[1]: reconstructions}, n=n, title=title)


def plot_history(
    history: dict[str, list[float]],
    *,
    ax: Axes | None = None,
    title: str = "Training history",
    label: str | None = None,
    log_scale: bool = False,
) -> Figure:
    """Return the figure of the per-epoch losses in a history from fit(), drawn on ax (a new one if None).

    label, if given, prefixes each curve's name, so that several runs can share one ax.
    """
    curves = {key: values for key, values in history.items() if key.endswith("_loss")}
    if not curves:
        raise ValueError(f"history must hold '*_loss' entries (the dict that fit() returns), "
                         f"got keys {sorted(history)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for key, values in curves.items():
        name = key.replace("_", " ")
        ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3,
                label=f"{label}: {name}" if label else name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    ax.figure.tight_layout()
    return ax.figure


def plot_codes_2d(
    z: torch.Tensor | np.ndarray,
    labels: torch.Tensor | np.ndarray,
    *,
    ax: Axes | None = None,
    title: str = "2-D codes coloured by digit",
    axis_labels: tuple[str, str] = ("code dimension 1", "code dimension 2"),
    legend: bool = True,
    alpha: float = 0.5,
) -> Figure:
    """Return the figure of a scatter of 2-D codes z (N, 2), coloured by their labels (N,), on ax (new if None)."""
    codes = z.detach().cpu().numpy() if isinstance(z, torch.Tensor) else np.asarray(z)
    classes = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"z must have shape (N, 2), got {codes.shape}.")
    if classes.shape != (len(codes),):
        raise ValueError(f"labels must have shape ({len(codes)},), one per code, got {classes.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    points = ax.scatter(codes[:, 0], codes[:, 1], c=classes, cmap="tab10", vmin=-0.5, vmax=9.5, s=5, alpha=alpha)
    if legend:
        ax.legend(*points.legend_elements(), title="digit", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure
