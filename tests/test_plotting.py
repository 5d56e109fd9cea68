"""Tests for course_utils.plotting: figures have the right panels and labels; bad input is explained."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import plotting
from course_utils.plotting import (
    draw_autoencoder,
    plot_codes_2d,
    plot_history,
    show_image_rows,
    show_images,
    show_reconstructions,
    use_course_style,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("shape", [(5, 1, 28, 28), (5, 28, 28), (5, 784)])
def test_show_images_accepts_the_usual_layouts(shape):
    fig = show_images(torch.rand(shape), titles=[str(i) for i in range(5)], ncols=3, suptitle="digits")
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 5 and len(fig.axes) == 6  # a 2 x 3 grid, one panel left empty
    assert [ax.get_title() for ax in images] == ["0", "1", "2", "3", "4"]
    assert fig._suptitle.get_text() == "digits"


def test_show_images_explains_bad_input():
    with pytest.raises(ValueError, match=r"images must have shape \(N, 1, H, W\), \(N, H, W\) or flat square"):
        show_images(torch.rand(2, 3, 28, 28))
    with pytest.raises(ValueError, match="titles must hold exactly 3 items, got 1"):
        show_images(np.zeros((3, 28, 28)), titles=["a"])
    with pytest.raises(TypeError, match=r"titles\[1\] must be a string, got 2"):
        show_images(np.zeros((2, 28, 28)), titles=["1", 2])
    with pytest.raises(ValueError, match="images must not be empty"):
        show_images(torch.rand(0, 28, 28))
    with pytest.raises(TypeError, match="images must be a torch tensor or NumPy array"):
        show_images([[0.0]])
    with pytest.raises(ValueError, match="ncols must be a positive integer, got -3"):
        show_images(torch.rand(2, 28, 28), ncols=-3)
    with pytest.raises(ValueError, match=r"images must hold values in \[0, 1\].*divide by 255"):
        show_images(torch.rand(2, 28, 28) * 255)
    with pytest.raises(ValueError, match="images must hold finite values"):
        show_images(torch.full((2, 28, 28), float("nan")), vmin=None, vmax=None)
    with pytest.raises(TypeError, match=r"images must hold float pixels in \[0, 1\] or uint8 pixels"):
        show_images(torch.ones(2, 28, 28, dtype=torch.bool))
    with pytest.raises(ValueError, match="vmin must be below vmax, got vmin=1 and vmax=0"):
        show_images(torch.rand(2, 28, 28), vmin=1.0, vmax=0.0)
    with pytest.raises(TypeError, match="suptitle must be a string"):
        show_images(torch.rand(2, 28, 28), suptitle=3)


def test_show_images_scales_uint8_and_lets_free_ranges_through():
    pixels = np.array([[[0, 128], [255, 64]]], dtype=np.uint8)  # (1, 2, 2) in 0-255
    fig = show_images(pixels)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), pixels[0] / 255.0, rtol=1e-6)
    components = torch.randn(3, 4, 4) * 5  # e.g. PCA components: any sign and size
    fig = show_images(components, vmin=None, vmax=None)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), components[0].numpy(), rtol=1e-6)


def test_show_reconstructions_puts_originals_above_reconstructions():
    x = torch.rand(10, 1, 28, 28)
    fig = show_reconstructions(x, x * 0.5, n=4, title="check")
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[4].get_ylabel() == "reconstruction"
    np.testing.assert_allclose(fig.axes[4].images[0].get_array(), x[0, 0].numpy() * 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match=r"x and x_hat must have the same shape, got \(10, 28, 28\) and \(10, 14"):
        show_reconstructions(x, x[:, :, :14])
    with pytest.raises(ValueError, match="row_labels must hold exactly 2 items, got 1"):
        show_reconstructions(x, x, row_labels=("a",))
    with pytest.raises(TypeError, match="row_labels must be a list or tuple of 2, got 'ab'"):
        show_reconstructions(x, x, row_labels="ab")
    with pytest.raises(ValueError, match=r"x_hat must hold values in \[0, 1\]"):
        show_reconstructions(x, x * 2)


def test_show_image_rows_labels_each_row_and_names_bad_input():
    x = torch.rand(6, 1, 28, 28)
    fig = show_image_rows({"clean": x, "noisy": x.flip(0)}, n=4, title="rows", titles=list("abcd"))
    assert len(fig.axes) == 8 and [fig.axes[i].get_ylabel() for i in (0, 4)] == ["clean", "noisy"]
    assert [ax.get_title() for ax in fig.axes[:4]] == list("abcd")
    with pytest.raises(ValueError, match="rows must map at least one label to images"):
        show_image_rows({})
    with pytest.raises(TypeError, match="rows must be a dict"):
        show_image_rows([x])
    with pytest.raises(TypeError, match="each key of rows must be a string, got 1"):
        show_image_rows({1: x})
    with pytest.raises(ValueError, match=r"rows\['noisy'\] must hold values in \[0, 1\]"):
        show_image_rows({"clean": x, "noisy": x - 0.5})
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        show_image_rows({"clean": x}, n=0)
    with pytest.raises(ValueError, match="titles must hold at least 4 items, got 2"):
        show_image_rows({"clean": x}, n=4, titles=["a", "b"])


def test_plot_codes_2d_colours_by_digit_and_names_bad_input():
    z, labels = torch.randn(20, 2), torch.arange(20) % 10
    fig = plot_codes_2d(z, labels, title="codes", axis_labels=("z1", "z2"), alpha=0.3)
    ax = fig.axes[0]
    assert ax.get_title() == "codes" and (ax.get_xlabel(), ax.get_ylabel()) == ("z1", "z2")
    np.testing.assert_allclose(ax.collections[0].get_offsets(), z.numpy())
    plot_codes_2d(z.numpy(), labels.numpy().astype(np.int32), legend=False)  # NumPy arrays work as well
    with pytest.raises(ValueError, match=r"z must have shape \(N, 2\), got a tensor of shape \(20, 3\)"):
        plot_codes_2d(torch.randn(20, 3), labels)
    with pytest.raises(TypeError, match="labels must hold integers"):
        plot_codes_2d(z, labels.float())
    with pytest.raises(ValueError, match=r"labels must hold values in \[0, 9\], got values from 0 to 10"):
        plot_codes_2d(z, torch.arange(20) % 11)
    with pytest.raises(ValueError, match="z and labels must have the same length"):
        plot_codes_2d(z, labels[:5])
    with pytest.raises(ValueError, match="z must hold finite values"):
        plot_codes_2d(torch.full((20, 2), float("nan")), labels)
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0 and <= 1, got 2"):
        plot_codes_2d(z, labels, alpha=2)
    with pytest.raises(ValueError, match="axis_labels must hold exactly 2 items"):
        plot_codes_2d(z, labels, axis_labels=("x",))


def test_plot_history_draws_each_loss_with_labelled_axes():
    fig = plot_history({"train_loss": [3.0, 2.0, 1.0], "test_loss": [3.5, 2.5, 1.5], "seconds": [1, 1, 1]},
                       log_scale=True)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "test loss"]
    with pytest.raises(ValueError, match=r"history must hold '\*_loss' entries .*got keys \['seconds'\]"):
        plot_history({"seconds": [1.0]})
    with pytest.raises(TypeError, match="history must be the dict of per-epoch losses that fit"):
        plot_history([1.0, 2.0])
    with pytest.raises(ValueError, match=r"history\['train_loss'\]\[1\] must be a finite number, got nan"):
        plot_history({"train_loss": [1.0, float("nan")]})
    with pytest.raises(ValueError, match=r"history\['train_loss'\]\[0\] must be a finite number > 0"):
        plot_history({"train_loss": [0.0, 1.0]}, log_scale=True)
    with pytest.raises(ValueError, match=r"history\['train_loss'\] must hold at least 1 items"):
        plot_history({"train_loss": []})
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_history({"train_loss": [1.0]}, ax="left")
    with pytest.raises(TypeError, match="log_scale must be True or False"):
        plot_history({"train_loss": [1.0]}, log_scale="yes")


def test_style_applies_only_when_asked():
    plt.rcdefaults()
    import importlib

    importlib.reload(plotting)
    assert plt.rcParams["axes.spines.top"] is True  # importing changed nothing
    use_course_style()
    assert plt.rcParams["axes.spines.top"] is False
    plt.rcdefaults()


def test_draw_autoencoder_draws_one_box_per_layer_and_explains_bad_input():
    fig = draw_autoencoder(784, 8, hidden_dims=(256, 128), title="the network")
    ax = fig.axes[0]
    boxes = [patch for patch in ax.patches if type(patch).__name__ == "Rectangle"]
    assert len(boxes) == 7  # input, two hidden, code, two hidden, output
    heights = [box.get_height() for box in boxes]
    assert heights == heights[::-1] and min(heights) == heights[3]  # mirrored, the code the narrowest
    texts = [text.get_text() for text in ax.texts]
    assert {"784", "256", "128", "8"} <= set(texts) and ax.get_title() == "the network"
    assert any("encoder" in text for text in texts) and any("decoder" in text for text in texts)
    _, ax = plt.subplots()
    assert draw_autoencoder(784, 32, hidden_dims=(), ax=ax, title=None) is ax.figure  # no hidden layers
    with pytest.raises(ValueError, match="latent_dim must be a positive integer, got 0"):
        draw_autoencoder(784, 0)
    with pytest.raises(TypeError, match="input_dim must be a positive integer"):
        draw_autoencoder(28.5, 8)
    with pytest.raises(TypeError, match=r"hidden_dims\[1\] must be a positive integer"):
        draw_autoencoder(784, 8, hidden_dims=(256, "128"))
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        draw_autoencoder(784, 8, ax="axes")
    with pytest.raises(TypeError):
        draw_autoencoder(784, 8, (256,))  # hidden_dims is keyword-only
