"""Figures the course draws again and again: image grids, reconstructions, loss curves, the autoencoder diagram."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Polygon, Rectangle
from matplotlib.ticker import MaxNLocator

from course_utils._validation import (
    as_image_array,
    check_bool,
    check_instance,
    check_int,
    check_number,
    check_range,
    check_same_length,
    check_same_shape,
    check_sequence,
    check_str,
    check_tensor,
)

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


def show_images(
    images: torch.Tensor | np.ndarray,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    suptitle: str | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
) -> Figure:
    """Return a figure showing images in a grid, each with an optional title (grey scale, 0 = black).

    With the default display range vmin=0, vmax=1 the pixels must lie in [0, 1] (uint8 images, 0-255,
    are scaled there). vmin=None, vmax=None stretch each image's own range (e.g. PCA components);
    any other range shows values outside it clipped, as matplotlib's imshow does.
    """
    vmin = None if vmin is None else check_number(vmin, "vmin")
    vmax = None if vmax is None else check_number(vmax, "vmax")
    if vmin is not None and vmax is not None and vmin >= vmax:
        raise ValueError(f"vmin must be below vmax, got vmin={vmin:g} and vmax={vmax:g}.")
    array = as_image_array(images, "images", unit_range=(vmin, vmax) == (0.0, 1.0))
    if titles is not None:
        titles = check_sequence(titles, "titles", length=len(array), item=check_str)
    ncols = min(check_int(ncols, "ncols"), len(array))
    if suptitle is not None:
        check_str(suptitle, "suptitle")
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
    """Return a figure with one labelled row of n images per entry of rows ({label: images}), e.g. original, noisy."""
    check_instance(rows, "rows", Mapping, "a dict {label: images}, e.g. {'original': x, 'reconstruction': x_hat}")
    if not rows:
        raise ValueError("rows must map at least one label to images, e.g. {'original': x, 'reconstruction': x_hat}, "
                         "got an empty dict.")
    arrays = {check_str(label, "each key of rows"): as_image_array(images, f"rows[{label!r}]")
              for label, images in rows.items()}
    n = min(check_int(n, "n"), *(len(array) for array in arrays.values()))
    if title is not None:
        check_str(title, "title")
    if titles is not None:
        titles = check_sequence(titles, "titles", min_length=n, item=check_str)
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
    row_labels = check_sequence(row_labels, "row_labels", length=2, item=check_str)  # one for x, one for x_hat
    originals, reconstructions = as_image_array(x, "x"), as_image_array(x_hat, "x_hat")
    check_same_shape(originals, reconstructions, ("x", "x_hat"))
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
    check_instance(history, "history", Mapping, "the dict of per-epoch losses that fit() returns")
    log_scale = check_bool(log_scale, "log_scale")
    minimum = 0.0 if log_scale else None  # a log axis silently drops values <= 0

    def check_loss(value: object, name: str) -> float:
        return check_number(value, name, minimum=minimum, strict_minimum=True)

    curves = {key: check_sequence(values, f"history[{key!r}]", min_length=1, item=check_loss)
              for key, values in history.items() if isinstance(key, str) and key.endswith("_loss")}
    if not curves:
        raise ValueError(f"history must hold '*_loss' entries (the dict that fit() returns), "
                         f"got keys {sorted(map(str, history))}.")
    check_str(title, "title")
    if label is not None:
        check_str(label, "label")
    if ax is not None:
        check_instance(ax, "ax", Axes, "a matplotlib Axes, e.g. from plt.subplots()")
    else:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for key, values in curves.items():
        name = key.replace("_", " ")
        ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3,
                label=f"{label}: {name}" if label else name)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
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
    codes = check_tensor(z, "z", shape=(2,), arrays=True).detach().cpu().numpy()
    classes = check_tensor(labels, "labels", ndim=1, dtype="integer", arrays=True)
    check_range(classes, "labels", 0, 9)  # the ten colours of tab10, one per digit
    check_same_length((codes, classes), ("z", "labels"))
    classes = classes.detach().cpu().numpy()
    check_str(title, "title")
    axis_labels = check_sequence(axis_labels, "axis_labels", length=2, item=check_str)
    legend = check_bool(legend, "legend")
    alpha = check_number(alpha, "alpha", minimum=0.0, maximum=1.0)
    if ax is not None:
        check_instance(ax, "ax", Axes, "a matplotlib Axes, e.g. from plt.subplots()")
    else:
        _, ax = plt.subplots(figsize=(6, 5))
    points = ax.scatter(codes[:, 0], codes[:, 1], c=classes, cmap="tab10", vmin=-0.5, vmax=9.5, s=5, alpha=alpha)
    if legend:
        ax.legend(*points.legend_elements(), title="digit", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


def draw_autoencoder(
    input_dim: int = 784,
    latent_dim: int = 32,
    *,
    hidden_dims: Sequence[int] = (256, 128),
    title: str | None = "An autoencoder: encoder, bottleneck, decoder",
    ax: Axes | None = None,
) -> Figure:
    """Return a figure drawing a fully connected autoencoder as one box per layer, box height growing with its width."""
    input_dim = check_int(input_dim, "input_dim")
    latent_dim = check_int(latent_dim, "latent_dim")
    hidden_dims = check_sequence(hidden_dims, "hidden_dims", item=check_int)
    if title is not None:
        check_str(title, "title")
    if ax is not None:
        check_instance(ax, "ax", Axes, "a matplotlib Axes, e.g. from plt.subplots()")
    else:
        _, ax = plt.subplots(figsize=(1.3 * (2 * len(hidden_dims) + 3) + 1.5, 3.8))
    widths = [input_dim, *hidden_dims, latent_dim, *reversed(hidden_dims), input_dim]
    code_index = len(hidden_dims) + 1
    largest = max(widths)
    # Square-root heights: a 784-wide layer next to a 2-wide code would otherwise shrink the code to a line.
    heights = [0.15 + 0.85 * math.sqrt(width / largest) for width in widths]
    colours = ["0.75", *["tab:blue"] * len(hidden_dims), "tab:orange", *["tab:green"] * len(hidden_dims), "0.75"]
    box_width = 0.35
    for index, (width, height, colour) in enumerate(zip(widths, heights, colours)):
        ax.add_patch(Rectangle((index - box_width / 2, -height / 2), box_width, height, facecolor=colour,
                               edgecolor="black", alpha=0.85))
        ax.text(index, -0.58, f"{width:,}", ha="center", va="top", fontsize=9)
        if index < len(widths) - 1:  # a funnel to the next layer, with an arrow for the direction of flow
            right, left = index + box_width / 2, index + 1 - box_width / 2
            ax.add_patch(Polygon([(right, height / 2), (left, heights[index + 1] / 2),
                                  (left, -heights[index + 1] / 2), (right, -height / 2)],
                                 facecolor="0.85", edgecolor="none", alpha=0.6))
            ax.add_patch(FancyArrowPatch((right + 0.03, 0), (left - 0.03, 0), arrowstyle="-|>", mutation_scale=12,
                                         color="0.3"))
    ax.text(0, 0.62, "image $x$", ha="center", va="bottom")
    ax.text(len(widths) - 1, 0.62, r"reconstruction $\hat{x}$", ha="center", va="bottom")
    ax.text(code_index, heights[code_index] / 2 + 0.08, "code $z$\n(bottleneck)", ha="center", va="bottom",
            color="tab:orange")
    ax.text(code_index / 2, 0.82, r"encoder $f_\theta$", ha="center", va="bottom", color="tab:blue")
    ax.text(code_index * 1.5, 0.82, r"decoder $g_\phi$", ha="center", va="bottom", color="tab:green")
    ax.text(-0.6, -0.58, "units:", ha="right", va="top", fontsize=9)
    ax.set_xlim(-1.1, len(widths) - 0.4)
    ax.set_ylim(-0.8, 1.05)
    ax.set_aspect("auto")
    ax.axis("off")
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure
