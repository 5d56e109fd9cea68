"""Self-checks for the exercises: each passes quietly with a short confirmation, or says what to fix.

One module per group of notebooks; import any check from here (`from course_utils.checks import check_close`):
    basics               -- check_close, check_returns, check_shape (from notebook 00 on)
    encoding             -- check_mse_per_image, check_components_for_variance (01), check_encoder (02),
                            check_decoder, check_autoencoder (03)
    losses_and_training  -- check_reconstruction_loss (04), check_sgd_step, check_average_loss (05)
    latent_space         -- check_interpolation, check_nearest_neighbours, check_principal_angles (06)
    convolution          -- check_conv_output_size, check_conv_transpose_output_size (07)
    denoising            -- check_psnr_formula, check_denoiser (08)
    compression          -- check_codec_rate, check_entropy_function (09)
    anomaly              -- check_auc_by_ranks, check_threshold_for_fpr, check_l1_scores (10)
    generative           -- check_kl_diagonal_gaussians, check_reparameterised_sample, check_kl_sparsity_penalty (11)
    challenges           -- check_per_class_error, check_oversample_indices, check_per_position_accuracy (12)
    capstone             -- check_summed_error_per_image, check_parameter_count, check_pca_error_from_spectrum (13)
The shared pieces (ExerciseError, call_student, the one way to compare answers) live in _core. Every check
is wrapped by _core.skips_unsolved: an unsolved stub prints "Skipped: ..." instead of stopping Run All.
"""

from course_utils.checks._core import ExerciseError, NotImplementedYet, call_student
from course_utils.checks.anomaly import check_auc_by_ranks, check_l1_scores, check_threshold_for_fpr
from course_utils.checks.basics import check_close, check_returns, check_shape
from course_utils.checks.capstone import (
    check_parameter_count,
    check_pca_error_from_spectrum,
    check_summed_error_per_image,
)
from course_utils.checks.challenges import (
    check_oversample_indices,
    check_per_class_error,
    check_per_position_accuracy,
)
from course_utils.checks.compression import check_codec_rate, check_entropy_function
from course_utils.checks.convolution import check_conv_output_size, check_conv_transpose_output_size
from course_utils.checks.denoising import check_denoiser, check_psnr_formula
from course_utils.checks.encoding import (
    check_autoencoder,
    check_components_for_variance,
    check_decoder,
    check_encoder,
    check_mse_per_image,
)
from course_utils.checks.generative import (
    check_kl_diagonal_gaussians,
    check_kl_sparsity_penalty,
    check_reparameterised_sample,
)
from course_utils.checks.latent_space import check_interpolation, check_nearest_neighbours, check_principal_angles
from course_utils.checks.losses_and_training import check_average_loss, check_reconstruction_loss, check_sgd_step

__all__ = [
    "ExerciseError",
    "NotImplementedYet",
    "call_student",
    "check_auc_by_ranks",
    "check_autoencoder",
    "check_average_loss",
    "check_close",
    "check_codec_rate",
    "check_components_for_variance",
    "check_conv_output_size",
    "check_conv_transpose_output_size",
    "check_decoder",
    "check_denoiser",
    "check_encoder",
    "check_entropy_function",
    "check_interpolation",
    "check_kl_diagonal_gaussians",
    "check_kl_sparsity_penalty",
    "check_l1_scores",
    "check_mse_per_image",
    "check_nearest_neighbours",
    "check_oversample_indices",
    "check_per_class_error",
    "check_per_position_accuracy",
    "check_parameter_count",
    "check_pca_error_from_spectrum",
    "check_principal_angles",
    "check_reconstruction_loss",
    "check_returns",
    "check_psnr_formula",
    "check_reparameterised_sample",
    "check_sgd_step",
    "check_shape",
    "check_summed_error_per_image",
    "check_threshold_for_fpr",
]
