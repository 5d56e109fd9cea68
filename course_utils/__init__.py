"""Shared code for the course on unsupervised learning with autoencoders.

Each notebook teaches a piece of code inline first; later notebooks import it from here:
    data      -- load_mnist, InMemoryLoader
    training  -- get_device, seed_everything, fit, evaluate, predict
    models    -- MLPAutoencoder, ConvAutoencoder, count_parameters, fit_pca, pca_reconstruct
    metrics   -- mse_per_image, reconstruction_error
    plotting  -- use_course_style, show_images, show_reconstructions, plot_history
    checks    -- self-checks for the exercises
"""

from course_utils.data import InMemoryLoader, load_mnist
from course_utils.metrics import mse_per_image, reconstruction_error
from course_utils.models import ConvAutoencoder, MLPAutoencoder, count_parameters, fit_pca, pca_reconstruct
from course_utils.plotting import plot_history, show_images, show_reconstructions, use_course_style
from course_utils.training import evaluate, fit, get_device, predict, seed_everything

__version__ = "0.1.0"

__all__ = [
    "ConvAutoencoder",
    "InMemoryLoader",
    "MLPAutoencoder",
    "count_parameters",
    "evaluate",
    "fit",
    "fit_pca",
    "get_device",
    "load_mnist",
    "mse_per_image",
    "pca_reconstruct",
    "plot_history",
    "predict",
    "reconstruction_error",
    "seed_everything",
    "show_images",
    "show_reconstructions",
    "use_course_style",
]
