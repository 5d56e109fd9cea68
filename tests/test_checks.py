"""Tests for course_utils.checks: each self-check passes a right answer and explains a wrong one."""

import pytest
import torch
from torch import nn

from course_utils.checks import ExerciseError, check_autoencoder, check_close, check_shape
from course_utils.models import MLPAutoencoder


def test_check_shape_passes_and_fails(capsys):
    check_shape(torch.zeros(2, 3), (2, 3), name="z")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"z has shape \(3, 2\), expected \(2, 3\)"):
        check_shape(torch.zeros(3, 2), (2, 3), name="z")
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_shape([1, 2], (2,), name="z")


def test_check_close_reports_the_gap():
    check_close(0.5, 0.5 + 1e-9)
    with pytest.raises(ExerciseError, match="off by up to 0.1.*Hint: mean"):
        check_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), atol=1e-3, hint="Hint: mean")
    with pytest.raises(ExerciseError, match="shape"):
        check_close(torch.zeros(2), torch.zeros(3))


def test_check_autoencoder_accepts_the_course_model_and_explains_mistakes():
    check_autoencoder(MLPAutoencoder(latent_dim=4), latent_dim=4)
    with pytest.raises(ExerciseError, match="attribute `encoder`"):
        check_autoencoder(nn.Linear(2, 2), latent_dim=4)
    no_sigmoid = MLPAutoencoder(latent_dim=4)
    no_sigmoid.decoder[-2] = nn.Identity()  # drop the sigmoid: outputs can leave [0, 1]
    with torch.no_grad():
        no_sigmoid.decoder[-3].bias.fill_(5.0)
    with pytest.raises(ExerciseError, match="Sigmoid"):
        check_autoencoder(no_sigmoid, latent_dim=4)
    with pytest.raises(ExerciseError, match=r"expected \(5, 3\)"):
        check_autoencoder(MLPAutoencoder(latent_dim=4), latent_dim=3)


# Tests for the checks of notebooks 04 and 05.
from course_utils.checks import check_average_loss, check_reconstruction_loss, check_sgd_step  # noqa: E402


def test_check_reconstruction_loss_accepts_the_formulas_and_names_mistakes(capsys):
    check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).mean(), kind="mse")
    check_reconstruction_loss(
        lambda x, x_hat: -(x * x_hat.log() + (1 - x) * (1 - x_hat).log()).mean(), kind="bce")
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="divide by N \\* D"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).sum(), kind="mse")
    with pytest.raises(ExerciseError, match="square each difference"):
        check_reconstruction_loss(lambda x, x_hat: (x - x_hat).abs().mean(), kind="mse")
    with pytest.raises(ExerciseError, match="sign is flipped"):
        check_reconstruction_loss(lambda x, x_hat: (x * x_hat.log() + (1 - x) * (1 - x_hat).log()).mean(), kind="bce")
    with pytest.raises(ExerciseError, match="log of 0"):
        check_reconstruction_loss(lambda x, x_hat: -(x_hat * x.log() + (1 - x_hat) * (1 - x).log()).mean(), kind="bce")
    with pytest.raises(ExerciseError, match="one number as a torch tensor"):
        check_reconstruction_loss(lambda x, x_hat: ((x - x_hat) ** 2).mean().item(), kind="mse")
    with pytest.raises(ValueError, match="kind"):
        check_reconstruction_loss(lambda x, x_hat: x, kind="mae")


def _sgd_step(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            p -= lr * p.grad
            p.grad = None


def test_check_sgd_step_accepts_the_update_and_names_mistakes(capsys):
    check_sgd_step(_sgd_step)
    assert "Correct" in capsys.readouterr().out

    def uphill(parameters, lr):
        with torch.no_grad():
            for p in parameters:
                p += lr * p.grad

    def rebinds(parameters, lr):
        for p in parameters:
            p = p - lr * p.grad  # noqa: F841 (the mistake under test)

    def keeps_grad(parameters, lr):
        with torch.no_grad():
            for p in parameters:
                p -= lr * p.grad

    def no_no_grad(parameters, lr):
        for p in parameters:
            p -= lr * p.grad

    for wrong, message in ((uphill, "uphill"), (rebinds, "did not change"), (keeps_grad, "gradient is still there"),
                           (no_no_grad, "torch.no_grad")):
        with pytest.raises(ExerciseError, match=message):
            check_sgd_step(wrong)


def _evaluate(model, loader, loss_fn):
    total, count = 0.0, 0
    with torch.no_grad():
        for x in loader:
            total += loss_fn(model(x), x).item() * len(x)
            count += len(x)
    return total / count


def test_check_average_loss_accepts_a_weighted_mean_and_names_mistakes(capsys):
    check_average_loss(_evaluate)
    assert "Correct" in capsys.readouterr().out

    def mean_of_means(model, loader, loss_fn):
        with torch.no_grad():
            losses = [loss_fn(model(x), x).item() for x in loader]
        return sum(losses) / len(losses)

    outer_loss = nn.MSELoss()

    def ignores_loss_fn(model, loader, loss_fn):
        return _evaluate(model, loader, outer_loss)

    def keeps_graph(model, loader, loss_fn):
        return sum(loss_fn(model(x), x) * len(x) for x in loader) / 10

    for wrong, message in ((mean_of_means, "last batch holds 2 images"), (ignores_loss_fn, "loss_fn argument"),
                           (keeps_graph, "tracks gradients")):
        with pytest.raises(ExerciseError, match=message):
            check_average_loss(wrong)


# --- Notebooks 08 and 09 ---------------------------------------------------------------------------

import math  # noqa: E402

from course_utils.checks import (check_codec_rate, check_denoiser, check_entropy_function,  # noqa: E402
                                 check_psnr_formula)


def test_check_psnr_formula_passes_right_and_names_mistakes(capsys):
    check_psnr_formula(lambda sigma: -20 * math.log10(sigma))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="MSE is sigma"):
        check_psnr_formula(lambda sigma: -10 * math.log10(sigma))
    with pytest.raises(ExerciseError, match="sign is flipped"):
        check_psnr_formula(lambda sigma: 20 * math.log10(sigma))
    with pytest.raises(ExerciseError, match="log10, not the natural"):
        check_psnr_formula(lambda sigma: -20 * math.log(sigma))
    with pytest.raises(ExerciseError, match="one number"):
        check_psnr_formula(lambda sigma: [sigma])


def test_check_denoiser():
    generator = torch.Generator().manual_seed(0)
    x_clean = torch.zeros(20, 1, 28, 28)
    x_noisy = (x_clean + 0.3 * torch.rand(x_clean.shape, generator=generator)).clamp(0, 1)
    check_denoiser(lambda x: x * 0, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="gains 0.00 dB"):
        check_denoiser(lambda x: x, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="shape"):
        check_denoiser(lambda x: x[:, 0], x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="clamp"):
        check_denoiser(lambda x: x - 1, x_clean, x_noisy, min_gain_db=3.0)
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_denoiser(lambda x: x.numpy(), x_clean, x_noisy, min_gain_db=3.0)


def test_check_codec_rate():
    check_codec_rate(lambda d, b: (d * b, d * b / 784, 6272 / (d * b)))
    with pytest.raises(ExerciseError, match="bits per pixel"):
        check_codec_rate(lambda d, b: (d * b, d * b / 28, 6272 / (d * b)))
    with pytest.raises(ExerciseError, match="compression ratio"):
        check_codec_rate(lambda d, b: (d * b, d * b / 784, 784 / (d * b)))
    with pytest.raises(ExerciseError, match="tuple of three"):
        check_codec_rate(lambda d, b: d * b)


def test_check_entropy_function():
    def right(p):
        p = p[p > 0]
        return -(p * torch.log2(p)).sum()

    check_entropy_function(right)
    with pytest.raises(ExerciseError, match="log2"):
        check_entropy_function(lambda p: -(p[p > 0] * torch.log(p[p > 0])).sum())
    with pytest.raises(ExerciseError, match="0 \\* log 0"):
        check_entropy_function(lambda p: -(p * torch.log2(p)).sum())


# --- Self-checks of notebooks 06-07 ------------------------------------------------------------------

import numpy as np  # noqa: E402

from course_utils.checks import (  # noqa: E402
    check_conv_output_size,
    check_conv_transpose_output_size,
    check_interpolation,
    check_nearest_neighbours,
    check_principal_angles,
)


def test_check_interpolation_passes_a_straight_path_and_explains_mistakes(capsys):
    check_interpolation(lambda a, b, n: (1 - torch.linspace(0, 1, n)[:, None]) * a + torch.linspace(0, 1, n)[:, None] * b)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="start at z_a and end at z_b"):
        check_interpolation(lambda a, b, n: a + torch.linspace(0, 1, n + 1)[:-1, None] * (b - a))
    with pytest.raises(ExerciseError, match="evenly spaced"):
        check_interpolation(lambda a, b, n: a + torch.linspace(0, 1, n)[:, None] ** 2 * (b - a))
    with pytest.raises(ExerciseError, match=r"expected \(steps, latent_dim\)"):
        check_interpolation(lambda a, b, n: torch.stack([a, b]))


def test_check_nearest_neighbours_passes_topk_and_explains_mistakes(capsys):
    check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).indices)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="largest=False"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k).indices)
    with pytest.raises(ExerciseError, match="indices"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).values)
    with pytest.raises(ExerciseError, match="farthest first"):
        check_nearest_neighbours(lambda q, bank, k: torch.cdist(q, bank).topk(k, largest=False).indices.flip(1))


def _angles(a, b):
    q_a, q_b = np.linalg.qr(a)[0], np.linalg.qr(b)[0]
    return np.sort(np.degrees(np.arccos(np.clip(np.linalg.svd(q_a.T @ q_b, compute_uv=False), -1, 1))))


def test_check_principal_angles_passes_qr_svd_and_explains_mistakes(capsys):
    check_principal_angles(_angles)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="radians"):
        check_principal_angles(lambda a, b: np.radians(_angles(a, b)))
    with pytest.raises(ExerciseError, match="not sorted"):
        check_principal_angles(lambda a, b: _angles(a, b)[::-1])
    with pytest.raises(ExerciseError, match="orthonormalise"):  # SVD of raw, non-orthonormal bases
        check_principal_angles(lambda a, b: np.sort(np.degrees(np.arccos(np.clip(
            np.linalg.svd(a.T @ b, compute_uv=False), -1, 1)))))


def test_check_conv_output_sizes_pass_the_formulas_and_explain_mistakes(capsys):
    check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
    check_conv_transpose_output_size(lambda n, k, s, p, op: (n - 1) * s - 2 * p + k + op)
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(ExerciseError, match="floor division"):
        check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1)
    with pytest.raises(ExerciseError, match="output_padding"):
        check_conv_transpose_output_size(lambda n, k, s, p, op: (n - 1) * s - 2 * p + k)


from course_utils.checks import (  # noqa: E402
    check_components_for_variance,
    check_decoder,
    check_encoder,
    check_mse_per_image,
)


def test_check_mse_per_image_passes_the_formula_and_names_mistakes(capsys):
    check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="summed over the pixels"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1))
    with pytest.raises(ExerciseError, match=r"expected \(3,\)"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).mean())
    with pytest.raises(ExerciseError, match="Square the differences"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).abs().flatten(1).mean(dim=1))


def test_check_components_for_variance_passes_the_smallest_k_and_explains_mistakes(capsys):
    ratios = [0.5, 0.3, 0.15, 0.05]  # cumulative 0.5, 0.8, 0.95, 1.0
    check_components_for_variance(3, ratios, fraction=0.9)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="count from 0"):
        check_components_for_variance(2, ratios, fraction=0.9)
    with pytest.raises(ExerciseError, match="not the smallest"):
        check_components_for_variance(4, ratios, fraction=0.9)


def test_check_encoder_accepts_a_linear_code_and_explains_mistakes(capsys):
    check_encoder(nn.Sequential(nn.Flatten(), nn.Linear(784, 8)), latent_dim=8)
    assert "Correct" in capsys.readouterr().out
    check_encoder(nn.Sequential(nn.Flatten(), nn.Linear(784, 8), nn.ReLU()), latent_dim=8, linear_code=False)
    with pytest.raises(ExerciseError, match="activation"):
        check_encoder(nn.Sequential(nn.Flatten(), nn.Linear(784, 8), nn.ReLU()), latent_dim=8)
    with pytest.raises(ExerciseError, match="Flatten"):
        check_encoder(nn.Linear(784, 8), latent_dim=8)
    with pytest.raises(ExerciseError, match=r"expected \(16, 4\)"):
        check_encoder(nn.Sequential(nn.Flatten(), nn.Linear(784, 8)), latent_dim=4)


def test_check_decoder_accepts_a_sigmoid_decoder_and_explains_mistakes(capsys):
    check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28))), latent_dim=4)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="Sigmoid"):
        check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Unflatten(1, (1, 28, 28))), latent_dim=4)
    with pytest.raises(ExerciseError, match="Unflatten"):
        check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Sigmoid()), latent_dim=4)
    with pytest.raises(ExerciseError, match=r"nn.Linear\(4"):
        check_decoder(nn.Sequential(nn.Linear(8, 784), nn.Sigmoid()), latent_dim=4)
