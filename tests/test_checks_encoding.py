"""Tests for course_utils.checks.encoding (notebooks 01-03): each passes a right answer and explains a wrong one."""

import numpy as np
import pytest
import torch
from torch import nn

from course_utils.checks import (
    ExerciseError,
    check_autoencoder,
    check_components_for_variance,
    check_decoder,
    check_encoder,
    check_mse_per_image,
)
from course_utils.models import MLPAutoencoder


def test_check_mse_per_image_passes_the_formula_and_names_mistakes(capsys):
    check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="784 times too large: you summed over the pixels"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1))
    with pytest.raises(ExerciseError, match=r"expected \(3,\)"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).mean())
    with pytest.raises(ExerciseError, match="Square the differences"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).abs().flatten(1).mean(dim=1))
    with pytest.raises(ExerciseError, match="root of the MSE"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1).sqrt())
    with pytest.raises(ExerciseError, match=r"raised RuntimeError.*shape \(3, 1, 28, 28\).*whole batches"):
        check_mse_per_image(lambda x, x_hat: x.view(3, 784) - x_hat.view(784, 3))


def test_check_mse_per_image_counts_the_pixels_of_another_input_shape():
    with pytest.raises(ExerciseError, match="192 times too large"):
        check_mse_per_image(lambda x, x_hat: (x - x_hat).pow(2).flatten(1).sum(dim=1), input_shape=(3, 8, 8))


def test_check_components_for_variance_passes_the_smallest_k_and_explains_mistakes(capsys):
    ratios = [0.5, 0.3, 0.15, 0.05]  # cumulative 0.5, 0.8, 0.95, 1.0
    check_components_for_variance(3, ratios, fraction=0.9)
    check_components_for_variance(np.int64(3), np.array(ratios), fraction=0.9)  # np.argmax(...) + 1 is fine
    check_components_for_variance(torch.tensor(3), ratios, fraction=0.9)
    assert capsys.readouterr().out.count("Correct") == 3
    with pytest.raises(ExerciseError, match="count from 0"):
        check_components_for_variance(2, ratios, fraction=0.9)
    with pytest.raises(ExerciseError, match="not the smallest"):
        check_components_for_variance(4, ratios, fraction=0.9)
    with pytest.raises(ExerciseError, match="outside 1..4"):
        check_components_for_variance(0, ratios, fraction=0.9)
    with pytest.raises(ExerciseError, match=r"Use int\(\.\.\.\)"):
        check_components_for_variance(3.0, ratios, fraction=0.9)
    with pytest.raises(ExerciseError, match="k is None: did you forget to compute it"):
        check_components_for_variance(None, ratios, fraction=0.9)
    with pytest.raises(ValueError, match="fraction"):
        check_components_for_variance(3, ratios, fraction=90)


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
    with pytest.raises(ExerciseError, match="nn.Module"):
        check_encoder(lambda x: x, latent_dim=4)
    with pytest.raises(ValueError, match="latent_dim"):
        check_encoder(nn.Identity(), latent_dim=0)


def test_check_decoder_accepts_a_sigmoid_decoder_and_explains_mistakes(capsys):
    check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28))), latent_dim=4)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="Sigmoid"):
        check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Unflatten(1, (1, 28, 28))), latent_dim=4)
    with pytest.raises(ExerciseError, match="Unflatten"):
        check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Sigmoid()), latent_dim=4)
    with pytest.raises(ExerciseError, match=r"nn.Linear\(4"):
        check_decoder(nn.Sequential(nn.Linear(8, 784), nn.Sigmoid()), latent_dim=4)


def test_check_decoder_refuses_a_decoder_that_outputs_nan():
    decoder = nn.Sequential(nn.Linear(4, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    with torch.no_grad():
        decoder[0].weight.fill_(float("nan"))  # every output NaN: NaN < 0 and NaN > 1 are both False
    with pytest.raises(ExerciseError, match="the decoder's output contains NaN"):
        check_decoder(decoder, latent_dim=4)


def test_check_decoder_names_the_layers_for_another_input_shape():
    with pytest.raises(ExerciseError, match=r"expected \(16, 3, 8, 8\).*nn.Linear\(\.\.\., 192\).*"
                                            r"nn.Unflatten\(1, \(3, 8, 8\)\)"):
        check_decoder(nn.Sequential(nn.Linear(4, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28))), latent_dim=4,
                      input_shape=(3, 8, 8))


def test_check_autoencoder_accepts_the_course_model_and_explains_mistakes(capsys):
    check_autoencoder(MLPAutoencoder(latent_dim=4), latent_dim=4)
    assert "Correct" in capsys.readouterr().out
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
    with pytest.raises(ExerciseError, match="your model is None"):
        check_autoencoder(None, latent_dim=4)


def test_check_autoencoder_refuses_nan_outputs():
    model = MLPAutoencoder(latent_dim=4)
    with torch.no_grad():
        model.decoder[-3].bias.fill_(float("nan"))
    with pytest.raises(ExerciseError, match="the decoder's output contains NaN"):
        check_autoencoder(model, latent_dim=4)
