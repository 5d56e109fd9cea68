"""Shared code for the course on unsupervised learning with autoencoders.

Each notebook teaches a piece of code inline first; later notebooks import it from here:
    data         -- load_mnist, InMemoryLoader, data_dir, runs_dir
    training     -- get_device, seed_everything, fit, evaluate, predict, vae_loss (notebook 11)
    models       -- MLPAutoencoder, ConvAutoencoder, count_parameters, fit_pca, pca_encode, pca_decode,
                    pca_reconstruct, VAE (notebook 11)
    metrics      -- mse_per_image, reconstruction_error, psnr(_per_image), ssim(_per_image)
    plotting     -- use_course_style, show_images, show_image_rows, show_reconstructions, plot_history,
                    plot_codes_2d, draw_autoencoder
    claims       -- run_settings (seed, training fraction), assert_claim (the notebooks' outcomes)
    corruption   -- gaussian_noise, salt_and_pepper, mask_pixels, occlude (notebook 08)
    compression  -- fit_quantizer, UniformQuantizer, entropy_bits_per_image, jpeg_roundtrip, png_sizes,
                    bits_per_pixel (notebook 09)
    checks       -- self-checks for the exercises
"""

from course_utils.claims import RunSettings, assert_claim, run_settings
from course_utils.compression import (
    UniformQuantizer,
    bits_per_pixel,
    entropy_bits_per_image,
    fit_quantizer,
    jpeg_roundtrip,
    png_sizes,
)
from course_utils.corruption import gaussian_noise, mask_pixels, occlude, salt_and_pepper
from course_utils.data import InMemoryLoader, data_dir, load_mnist, runs_dir
from course_utils.metrics import mse_per_image, psnr, psnr_per_image, reconstruction_error, ssim, ssim_per_image
from course_utils.models import (
    VAE,
    ConvAutoencoder,
    MLPAutoencoder,
    count_parameters,
    fit_pca,
    pca_decode,
    pca_encode,
    pca_reconstruct,
)
from course_utils.plotting import (
    draw_autoencoder,
    plot_codes_2d,
    plot_history,
    show_image_rows,
    show_images,
    show_reconstructions,
    use_course_style,
)
from course_utils.training import evaluate, fit, get_device, predict, seed_everything, vae_loss

__version__ = "0.1.0"

__all__ = [
    "ConvAutoencoder",
    "InMemoryLoader",
    "MLPAutoencoder",
    "RunSettings",
    "UniformQuantizer",
    "VAE",
    "assert_claim",
    "bits_per_pixel",
    "count_parameters",
    "data_dir",
    "draw_autoencoder",
    "entropy_bits_per_image",
    "evaluate",
    "fit",
    "fit_pca",
    "fit_quantizer",
    "gaussian_noise",
    "get_device",
    "jpeg_roundtrip",
    "load_mnist",
    "mask_pixels",
    "mse_per_image",
    "occlude",
    "pca_decode",
    "pca_encode",
    "pca_reconstruct",
    "plot_codes_2d",
    "plot_history",
    "png_sizes",
    "predict",
    "psnr",
    "psnr_per_image",
    "reconstruction_error",
    "run_settings",
    "runs_dir",
    "salt_and_pepper",
    "seed_everything",
    "show_image_rows",
    "show_images",
    "show_reconstructions",
    "ssim",
    "ssim_per_image",
    "use_course_style",
    "vae_loss",
]
