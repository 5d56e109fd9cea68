"""Tests for course_utils.checks as a whole: the shared pieces in _core, the basic checks, and what every
check promises a learner (a stub, a forgotten `return`, NaN, another image size)."""

import inspect
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import checks
from course_utils.checks import ExerciseError, NotImplementedYet, call_student, check_close, check_shape
from course_utils.checks._core import (
    answer_number,
    answer_tensor,
    compare,
    confirm,
    image_shape,
    matches,
    require_answer,
)

ROOT = Path(__file__).resolve().parent.parent


# --- _core: the shared pieces ---------------------------------------------------------------------


def test_exercise_error_is_an_assertion_error_so_nbval_and_pytest_count_it_as_a_failure():
    assert issubclass(ExerciseError, AssertionError)


def test_confirm_prints_one_line(capsys):
    confirm("it works.")
    assert capsys.readouterr().out == "Correct: it works.\n"


def test_call_student_returns_the_result():
    assert call_student(lambda a, b: a + b, 2, 3) == 5


def test_call_student_turns_the_stub_into_one_friendly_line():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedYet, match=r"^your function is not implemented yet: write your solution in the "
                                                r"cell above and run this check again") as info:
        call_student(stub, 1)
    assert info.value.__cause__ is None and info.value.__suppress_context__  # `from None`: no traceback chain


def test_call_student_names_the_learners_error_and_keeps_its_traceback():
    def broken(x):
        return x.nope

    with pytest.raises(ExerciseError, match=r"^my_fn raised AttributeError: .*nope.*\. Check the attribute\.$") as info:
        call_student(broken, 1, what="my_fn", hint="Check the attribute.")
    assert isinstance(info.value.__cause__, AttributeError)
    with pytest.raises(ExerciseError, match="raised ZeroDivisionError: .*zero.*depends on ZeroDivisionError"):
        call_student(lambda: 1 / 0, hint=lambda err: f"depends on {type(err).__name__}")


def test_call_student_catches_a_forgotten_return_unless_none_is_the_answer():
    with pytest.raises(ExerciseError, match=r"^your function returned None: did you forget `return`\?$"):
        call_student(lambda x: None, 1)
    assert call_student(lambda x: None, 1, returns_value=False) is None


def test_call_student_refuses_what_is_not_a_function():
    with pytest.raises(ExerciseError, match="is None: did you forget to define it"):
        call_student(None)
    with pytest.raises(ExerciseError, match="should be a function .* but it is 3"):
        call_student(3)


def test_call_student_passes_an_exercise_error_through_unchanged():
    def nested():
        raise ExerciseError("already friendly")

    with pytest.raises(ExerciseError, match="^already friendly$"):
        call_student(nested)


def test_call_student_says_which_module_lacks_forward():
    class NoForward(nn.Module):
        pass

    with pytest.raises(ExerciseError, match="the encoder is not implemented yet .*forward"):
        call_student(NoForward(), torch.zeros(1), what="the encoder")


def test_require_answer_refuses_none():
    assert require_answer(0, "k") == 0
    with pytest.raises(ExerciseError, match=r"^k is None: did you forget to compute it / `return` it\?$"):
        require_answer(None, "k")


def test_answer_tensor_converts_numbers_arrays_lists_and_tensors():
    assert answer_tensor(2).dtype == torch.float64 and answer_tensor(2).item() == 2.0
    assert answer_tensor(np.arange(3)[::-1]).tolist() == [2.0, 1.0, 0.0]  # negative strides too
    assert answer_tensor([torch.tensor(1.0), torch.tensor(2.0)]).tolist() == [1.0, 2.0]
    assert not answer_tensor(torch.ones(2, requires_grad=True)).requires_grad


@pytest.mark.parametrize("value, message", [
    (None, "your answer is None: did you forget to compute it"),
    ("0.5", "should be a number or a torch tensor, but it is '0.5'"),
    ([1, [2, 3]], "should be a number or a torch tensor"),
    (len, "Did you forget to call it"),
    (torch.tensor([1.0, float("nan")]), "contains NaN .* or infinity"),
    (float("inf"), "contains NaN .* or infinity"),
])
def test_answer_tensor_explains_what_is_wrong(value, message):
    with pytest.raises(ExerciseError, match=message):
        answer_tensor(value)


def test_answer_tensor_lets_the_check_handle_nan_when_asked():
    assert math.isnan(answer_tensor(float("nan"), finite=False).item())


def test_answer_number_takes_one_number():
    assert answer_number(3) == 3.0 and answer_number(np.float32(0.5)) == 0.5
    assert answer_number(torch.tensor([2.0])) == 2.0 and answer_number(np.array(1.5)) == 1.5
    for value in ([1.0], (1.0,), torch.zeros(2), True, "1"):
        with pytest.raises(ExerciseError, match="should be one number"):
            answer_number(value, "x")
    with pytest.raises(ExerciseError, match="NaN"):
        answer_number(float("nan"))
    assert math.isnan(answer_number(float("nan"), finite=False))


def test_matches_needs_the_same_shape_finite_values_and_the_tolerance():
    assert matches(1.0, 1.0 + 1e-9) and not matches(1.0, 1.1)
    assert matches(100.0, 100.5, atol=0, rtol=0.01) and not matches(100.0, 102.0, atol=0, rtol=0.01)
    assert not matches(torch.zeros(2), torch.zeros(3)) and not matches(float("nan"), float("nan"))
    assert not matches(None, 1.0) and not matches("a", 1.0)
    assert matches(torch.tensor([1, 2]), np.array([1.0, 2.0]), atol=0)


def test_compare_explains_shape_gap_and_nan():
    compare(torch.tensor([1.0, 2.0]), [1.0, 2.0])
    with pytest.raises(ExerciseError, match=r"^z has shape \(2,\), expected \(3,\)\. Hint\.$"):
        compare(torch.zeros(2), torch.zeros(3), name="z", hint="Hint.")
    with pytest.raises(ExerciseError, match=r"z is off by up to 0\.5 \(tolerance 0\.001\)"):
        compare(1.5, 1.0, name="z", atol=1e-3)
    with pytest.raises(ExerciseError, match="z contains NaN"):
        compare(float("nan"), 1.0, name="z")
    with pytest.raises(TypeError, match="expected must be a number"):
        compare(1.0, "one")


def test_image_shape_validates_the_authors_argument():
    assert image_shape([3, 32, 32]) == (3, 32, 32)
    with pytest.raises(TypeError, match="input_shape must be a tuple"):
        image_shape(28)
    with pytest.raises(ValueError, match=r"input_shape\[1\]"):
        image_shape((1, 0, 28))


# --- basics: check_shape and check_close --------------------------------------------------------


def test_check_shape_passes_and_fails(capsys):
    check_shape(torch.zeros(2, 3), (2, 3), name="z")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match=r"z has shape \(3, 2\), expected \(2, 3\)"):
        check_shape(torch.zeros(3, 2), (2, 3), name="z")
    with pytest.raises(ExerciseError, match="torch tensor"):
        check_shape([1, 2], (2,), name="z")
    with pytest.raises(ExerciseError, match="z is None: did you forget to compute it"):
        check_shape(None, (2,), name="z")
    with pytest.raises(TypeError, match="expected"):
        check_shape(torch.zeros(2), 2)


def test_check_close_reports_the_gap():
    check_close(0.5, 0.5 + 1e-9)
    with pytest.raises(ExerciseError, match="off by up to 0.1.*Hint: mean"):
        check_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), atol=1e-3, hint="Hint: mean")
    with pytest.raises(ExerciseError, match="shape"):
        check_close(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="atol"):
        check_close(1.0, 1.0, atol=-1.0)


def test_check_close_explains_none_text_and_nan():
    with pytest.raises(ExerciseError, match=r"^your answer is None: did you forget to compute it / `return` it\?$"):
        check_close(None, 1.0)
    with pytest.raises(ExerciseError, match="n_params should be a number or a torch tensor, but it is 'abc'"):
        check_close("abc", 1.0, name="n_params")
    with pytest.raises(ExerciseError, match="contains NaN"):
        check_close(torch.tensor([float("nan")]), torch.tensor([1.0]))


def test_check_close_accepts_a_tensor_that_tracks_gradients():
    check_close(torch.ones(3, requires_grad=True) * 2, [2.0, 2.0, 2.0])


# --- every check: the package exports what the notebooks import --------------------------------------


def test_every_name_the_notebooks_import_from_checks_exists():
    imported = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            for group, line in re.findall(r"from course_utils\.checks import (?:\(([^)]*)\)|([\w ,]+))", source):
                imported |= {name.strip() for name in (group or line).split(",") if name.strip()}
    assert imported, "no notebook imports a self-check"
    assert imported <= set(checks.__all__), imported - set(checks.__all__)
    assert all(callable(getattr(checks, name)) for name in checks.__all__)


def test_each_public_check_has_a_one_line_docstring_and_type_hints():
    for name in checks.__all__:
        function = getattr(checks, name)
        if not name.startswith("check_"):
            continue
        assert function.__doc__ and "\n" not in function.__doc__.strip(), name
        assert all(p.annotation is not inspect.Parameter.empty for p in inspect.signature(function).parameters.values())
        beyond_second = list(inspect.signature(function).parameters.values())[2:]
        positional = [p.name for p in beyond_second if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        assert positional in ([], ["x_noisy"]), (name, positional)  # check_denoiser's order predates the rule


# --- every check that calls a learner's function: stub, forgotten return, NaN -------------------------


class Wrap(nn.Module):
    """A module whose forward is the given function, to stand for a learner's encoder or decoder."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class Autoencoder(nn.Module):
    """The shape of notebook 03's Autoencoder: an encoder and a decoder part."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, x):
        return self.decoder(self.encoder(x))


def _denoiser_images():
    x_clean = torch.zeros(4, 1, 28, 28)
    return x_clean, (x_clean + 0.3 * torch.rand(x_clean.shape, generator=torch.Generator().manual_seed(0)))


CALLS = {  # each check, called with a learner's function (or a module built around it)
    "check_mse_per_image": lambda fn: checks.check_mse_per_image(fn),
    "check_encoder": lambda fn: checks.check_encoder(Wrap(fn), latent_dim=4),
    "check_decoder": lambda fn: checks.check_decoder(Wrap(fn), latent_dim=4),
    "check_autoencoder": lambda fn: checks.check_autoencoder(Autoencoder(Wrap(fn), Wrap(fn)), latent_dim=4),
    "check_reconstruction_loss": lambda fn: checks.check_reconstruction_loss(fn, kind="bce"),
    "check_sgd_step": lambda fn: checks.check_sgd_step(fn),
    "check_average_loss": lambda fn: checks.check_average_loss(fn),
    "check_interpolation": lambda fn: checks.check_interpolation(fn),
    "check_nearest_neighbours": lambda fn: checks.check_nearest_neighbours(fn),
    "check_principal_angles": lambda fn: checks.check_principal_angles(fn),
    "check_conv_output_size": lambda fn: checks.check_conv_output_size(fn),
    "check_conv_transpose_output_size": lambda fn: checks.check_conv_transpose_output_size(fn),
    "check_psnr_formula": lambda fn: checks.check_psnr_formula(fn),
    "check_denoiser": lambda fn: checks.check_denoiser(fn, *_denoiser_images(), min_gain_db=1.0),
    "check_codec_rate": lambda fn: checks.check_codec_rate(fn),
    "check_summed_error_per_image": lambda fn: checks.check_summed_error_per_image(fn),
    "check_parameter_count": lambda fn: checks.check_parameter_count(fn),
    "check_pca_error_from_spectrum": lambda fn: checks.check_pca_error_from_spectrum(
        fn, torch.rand(50, 1, 28, 28, generator=torch.Generator().manual_seed(0)), latent_dim=3),
    "check_auc_by_ranks": lambda fn: checks.check_auc_by_ranks(fn),
    "check_threshold_for_fpr": lambda fn: checks.check_threshold_for_fpr(fn),
    "check_l1_scores": lambda fn: checks.check_l1_scores(fn),
    "check_kl_diagonal_gaussians": lambda fn: checks.check_kl_diagonal_gaussians(fn),
    "check_reparameterised_sample": lambda fn: checks.check_reparameterised_sample(fn),
    "check_kl_sparsity_penalty": lambda fn: checks.check_kl_sparsity_penalty(fn),
    "check_per_class_error": lambda fn: checks.check_per_class_error(fn),
    "check_oversample_indices": lambda fn: checks.check_oversample_indices(fn),
    "check_per_position_accuracy": lambda fn: checks.check_per_position_accuracy(fn),
    "check_entropy_function": lambda fn: checks.check_entropy_function(fn),
    "check_returns": lambda fn: checks.check_returns(fn, (torch.ones(2),), expected=torch.ones(2)),
}
GIVEN_VALUES = {"check_close", "check_shape", "check_components_for_variance"}  # these take answers, not functions


def test_the_table_covers_every_check_that_takes_a_function():
    assert set(CALLS) | GIVEN_VALUES == {name for name in checks.__all__ if name.startswith("check_")}


def _stub(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_stub_is_skipped_with_one_line_so_run_all_goes_on(name, capsys):
    assert CALLS[name](_stub) is None  # no exception: JupyterLab's Run All must not stop at an unsolved exercise
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("Skipped: ") and "not implemented yet: write your solution in the cell above" in printed
    assert "\n" not in printed


@pytest.mark.parametrize("name", sorted(set(CALLS) - {"check_sgd_step"}))  # a step works in place: None is right
def test_returning_none_says_forget_return(name):
    with pytest.raises(ExerciseError, match=r"returned None: did you forget `return`\?"):
        CALLS[name](lambda *args: None)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_crash_names_the_error_and_keeps_its_traceback(name):
    def crash(*args):
        raise KeyError("oops")

    with pytest.raises(ExerciseError, match="raised KeyError: 'oops'") as info:
        CALLS[name](crash)
    assert isinstance(info.value.__cause__, KeyError)


def _nan_step(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            p.fill_(math.nan)
            p.grad = None


NAN = math.nan
NAN_ANSWERS = {  # an answer of the right type and shape, but NaN
    "check_mse_per_image": lambda x, x_hat: torch.full((len(x),), NAN),
    "check_encoder": lambda x: torch.full((len(x), 4), NAN),
    "check_decoder": lambda z: torch.full((len(z), 1, 28, 28), NAN),
    "check_reconstruction_loss": lambda x, x_hat: (x_hat * NAN).mean(),
    "check_sgd_step": _nan_step,
    "check_average_loss": lambda model, loader, loss_fn: NAN,
    "check_interpolation": lambda z_a, z_b, steps: torch.full((steps, len(z_a)), NAN),
    "check_principal_angles": lambda a, b: np.full(a.shape[1], NAN),
    "check_conv_output_size": lambda *args: NAN,
    "check_conv_transpose_output_size": lambda *args: NAN,
    "check_psnr_formula": lambda sigma: NAN,
    "check_denoiser": lambda x: torch.full_like(x, NAN),
    "check_codec_rate": lambda latent_dim, bits: (NAN, NAN, NAN),
    "check_summed_error_per_image": lambda x, x_hat: NAN,
    "check_parameter_count": lambda widths: NAN,
    "check_pca_error_from_spectrum": lambda x, k: NAN,
    "check_auc_by_ranks": lambda normal, anomaly: NAN,
    "check_threshold_for_fpr": lambda scores, target: NAN,
    "check_l1_scores": lambda x, x_hat: torch.full((len(x),), NAN),
    "check_kl_diagonal_gaussians": lambda mu1, logvar1, mu2, logvar2: torch.full((len(mu1),), NAN),
    "check_reparameterised_sample": lambda mu, logvar, eps: torch.full_like(mu, NAN),
    "check_kl_sparsity_penalty": lambda z, rho: torch.tensor(NAN),
    "check_per_class_error": lambda errors, labels, k: torch.full((k,), NAN),
    "check_oversample_indices": lambda labels, c, t: torch.full((len(labels),), NAN),
    "check_per_position_accuracy": lambda x, x_hat: torch.full((x.shape[2],), NAN),
    "check_entropy_function": lambda p: torch.tensor(NAN),
    "check_returns": lambda x: torch.full_like(x, NAN),
}


def test_nan_answers_cover_every_check_but_nearest_neighbours():
    assert set(NAN_ANSWERS) | {"check_autoencoder", "check_nearest_neighbours"} == set(CALLS)  # indices can't be NaN


@pytest.mark.parametrize("name", sorted(NAN_ANSWERS))
def test_nan_never_passes(name):
    with pytest.raises(ExerciseError, match="(?i)nan"):
        CALLS[name](NAN_ANSWERS[name])


def test_check_autoencoder_refuses_a_nan_decoder():
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 4))
    with pytest.raises(ExerciseError, match="the decoder's output contains NaN"):
        checks.check_autoencoder(Autoencoder(encoder, Wrap(NAN_ANSWERS["check_decoder"])), latent_dim=4)
    with pytest.raises(ExerciseError, match="the encoder's output contains NaN"):
        checks.check_autoencoder(Autoencoder(Wrap(NAN_ANSWERS["check_encoder"]), encoder), latent_dim=4)


def test_not_a_function_is_explained():
    with pytest.raises(ExerciseError, match="should be a function"):
        checks.check_psnr_formula(20.0)
    with pytest.raises(ExerciseError, match="is None: did you forget to define it"):
        checks.check_codec_rate(None)
    with pytest.raises(ExerciseError, match="the decoder is None"):
        checks.check_decoder(None, latent_dim=4)


# --- every check that builds test images takes their shape -------------------------------------------

from test_checks_losses_and_training import _evaluate  # noqa: E402  (a right answer to notebook 05's exercise)

SHAPE = (3, 8, 8)  # small colour images: 192 values each


class _SmallAutoencoder(Autoencoder):
    def __init__(self):
        super().__init__(nn.Sequential(nn.Flatten(), nn.Linear(192, 4)),
                         nn.Sequential(nn.Linear(4, 192), nn.Sigmoid(), nn.Unflatten(1, SHAPE)))


WITH_SHAPE = {  # a right answer for images of SHAPE
    "check_mse_per_image": lambda: checks.check_mse_per_image(
        lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1), input_shape=SHAPE),
    "check_encoder": lambda: checks.check_encoder(nn.Sequential(nn.Flatten(), nn.Linear(192, 4)), latent_dim=4,
                                                  input_shape=SHAPE),
    "check_decoder": lambda: checks.check_decoder(
        nn.Sequential(nn.Linear(4, 192), nn.Sigmoid(), nn.Unflatten(1, SHAPE)), latent_dim=4, input_shape=SHAPE),
    "check_autoencoder": lambda: checks.check_autoencoder(_SmallAutoencoder(), latent_dim=4, input_shape=SHAPE),
    "check_reconstruction_loss": lambda: checks.check_reconstruction_loss(
        lambda x, x_hat: ((x - x_hat) ** 2).mean(), kind="mse", input_shape=SHAPE),
    "check_average_loss": lambda: checks.check_average_loss(_evaluate, input_shape=SHAPE),
    "check_codec_rate": lambda: checks.check_codec_rate(lambda d, b: (d * b, d * b / 192, 192 * 8 / (d * b)),
                                                        input_shape=SHAPE),
}


def test_the_checks_that_build_images_all_take_input_shape():
    taking = {name for name in checks.__all__
              if name.startswith("check_") and "input_shape" in inspect.signature(getattr(checks, name)).parameters}
    assert taking == set(WITH_SHAPE)
    for name in taking:
        assert inspect.signature(getattr(checks, name)).parameters["input_shape"].default == (1, 28, 28)


@pytest.mark.parametrize("name", sorted(WITH_SHAPE))
def test_a_right_answer_passes_for_another_input_shape(name, capsys):
    WITH_SHAPE[name]()
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize("name", sorted(WITH_SHAPE))
def test_a_bad_input_shape_names_the_argument(name):
    check = getattr(checks, name)
    first = {"check_encoder": nn.Identity(), "check_decoder": nn.Identity(),
             "check_autoencoder": _SmallAutoencoder()}.get(name, _stub)
    extra = {"latent_dim": 4} if name in ("check_encoder", "check_decoder", "check_autoencoder") else {}
    extra |= {"kind": "mse"} if name == "check_reconstruction_loss" else {}
    with pytest.raises(TypeError, match="input_shape"):
        check(first, input_shape="28x28", **extra)
    with pytest.raises(ValueError, match="input_shape"):
        check(first, input_shape=(1, -28, 28), **extra)


def test_check_returns_compares_what_the_function_returns(capsys):
    checks.check_returns(lambda x: 2 * x, (torch.ones(2),), expected=torch.full((2,), 2.0), name="double")
    assert "double returns the expected result" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="the result of double is off by up to 1"):
        checks.check_returns(lambda x: x, (torch.ones(2),), expected=torch.full((2,), 2.0), name="double")
    with pytest.raises(TypeError, match="args must be a tuple"):
        checks.check_returns(lambda x: x, torch.ones(2), expected=torch.ones(2))
