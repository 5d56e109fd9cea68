"""Tests for course_utils.plotting: figures have the right panels and labels; bad input is explained."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import plotting
from course_utils.plotting import plot_history, show_images, show_reconstructions, use_course_style


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
    with pytest.raises(ValueError, match="Cannot show images of shape"):
        show_images(torch.rand(2, 3, 28, 28))
    with pytest.raises(ValueError, match="one title per image"):
        show_images(np.zeros((3, 28, 28)), titles=["a"])
    with pytest.raises(ValueError, match="empty"):
        show_images(torch.rand(0, 28, 28))
    with pytest.raises(TypeError, match="tensor or NumPy array"):
        show_images([[0.0]])


def test_show_reconstructions_puts_originals_above_reconstructions():
    x = torch.rand(10, 1, 28, 28)
    fig = show_reconstructions(x, x * 0.5, n=4, title="check")
    assert len(fig.axes) == 8
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[4].get_ylabel() == "reconstruction"
    np.testing.assert_allclose(fig.axes[4].images[0].get_array(), x[0, 0].numpy() * 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match="must match"):
        show_reconstructions(x, x[:, :, :14])


def test_plot_history_draws_each_loss_with_labelled_axes():
    fig = plot_history({"train_loss": [3.0, 2.0, 1.0], "test_loss": [3.5, 2.5, 1.5], "seconds": [1, 1, 1]},
                       log_scale=True)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "test loss"]
    with pytest.raises(ValueError, match="no '\\*_loss' entries"):
        plot_history({"seconds": [1.0]})


def test_style_applies_only_when_asked():
    plt.rcdefaults()
    import importlib

    importlib.reload(plotting)
    assert plt.rcParams["axes.spines.top"] is True  # importing changed nothing
    use_course_style()
    assert plt.rcParams["axes.spines.top"] is False
    plt.rcdefaults()
