"""Tests for course_utils._validation, the one validation layer, and for the bad inputs it must catch everywhere."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import _validation as v
from course_utils.compression import jpeg_roundtrip
from course_utils.corruption import gaussian_noise
from course_utils.data import InMemoryLoader, load_mnist
from course_utils.metrics import reconstruction_error
from course_utils.models import ConvAutoencoder, MLPAutoencoder, fit_pca
from course_utils.plotting import show_images, show_reconstructions
from course_utils.training import fit, get_device, predict

X = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))  # (4, 1, 28, 28)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- the bad inputs every public function must explain (argument, expectation, what was given) ------------

BAD_INPUTS = {
    "fit num_epochs=True": (
        lambda: fit(MLPAutoencoder(latent_dim=2), InMemoryLoader(X, batch_size=2), num_epochs=True),
        TypeError, r"^num_epochs must be a positive integer, got True\.$"),
    "InMemoryLoader batch_size=True": (
        lambda: InMemoryLoader(X, batch_size=True),
        TypeError, r"^batch_size must be a positive integer, got True\.$"),
    "fit on an empty list": (
        lambda: fit(MLPAutoencoder(latent_dim=2), [], num_epochs=1),
        ValueError, r"^train_loader must yield at least one batch, got \[\] with no batches"),
    "predict batch_size=0": (
        lambda: predict(MLPAutoencoder(latent_dim=2), X, batch_size=0),
        ValueError, r"^batch_size must be a positive integer, got 0\.$"),
    "MLPAutoencoder hidden_dims=64": (
        lambda: MLPAutoencoder(hidden_dims=64),
        TypeError, r"^hidden_dims must be a list or tuple, got 64\.$"),
    "MLPAutoencoder on doubles": (
        lambda: MLPAutoencoder(latent_dim=2)(X.double()),
        TypeError, r"^x must have the model's dtype torch\.float32, got a tensor of shape \(4, 1, 28, 28\) and "
                   r"dtype torch\.float64"),
    "ConvAutoencoder on doubles": (
        lambda: ConvAutoencoder(latent_dim=2)(X.double()),
        TypeError, r"^x must have the model's dtype torch\.float32, got .* dtype torch\.float64"),
    "show_images ncols=-3": (
        lambda: show_images(X, ncols=-3),
        ValueError, r"^ncols must be a positive integer, got -3\.$"),
    "show_reconstructions one row label": (
        lambda: show_reconstructions(X, X, row_labels=("a",)),
        ValueError, r"^row_labels must hold exactly 2 items, got 1: \('a',\)\.$"),
    "reconstruction_error of 0-255 targets": (
        lambda: reconstruction_error(X * 255, X),
        ValueError, r"^x must hold values in \[0, 1\], got values from .* to .* \(0-255 pixels\? divide by 255\)\.$"),
    "reconstruction_error of NaN targets": (
        lambda: reconstruction_error(torch.full_like(X, float("nan")), X),
        ValueError, r"^x must hold finite values, got NaN or infinity in a tensor of shape \(4, 1, 28, 28\)"),
    "jpeg_roundtrip of NaN images": (
        lambda: jpeg_roundtrip(torch.full_like(X, float("nan")), quality=90),
        ValueError, r"^images must hold finite values, got NaN or infinity in a tensor of shape \(4, 1, 28, 28\)"),
    "load_mnist split='val'": (
        lambda: load_mnist("val"),
        ValueError, r"^split must be one of 'train', 'test', got 'val'\.$"),
    "get_device('tpu')": (
        lambda: get_device("tpu"),
        ValueError, r"^preferred must be a device such as 'cpu', 'cuda', 'cuda:0' or 'mps', got 'tpu'\.$"),
    "ConvAutoencoder upsampling='bilinear'": (
        lambda: ConvAutoencoder(upsampling="bilinear"),
        ValueError, r"^upsampling must be one of 'transpose', 'nearest', got 'bilinear'\.$"),
    "fit_pca latent_dim=True": (
        lambda: fit_pca(X, latent_dim=True),
        TypeError, r"^latent_dim must be an integer >= 1 and <= 4, got True\.$"),
    "gaussian_noise sigma=True": (
        lambda: gaussian_noise(X, True),
        TypeError, r"^sigma must be a finite number >= 0 and <= 1, got True\.$"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_each_bad_input_names_the_argument_the_expectation_and_the_value(case):
    call, error, message = BAD_INPUTS[case]
    with pytest.raises(error, match=message):
        call()


def test_numpy_scalars_are_numbers():
    assert fit_pca(X, latent_dim=np.int64(3)).n_components_ == 3
    assert gaussian_noise(X, np.float32(0.1), seed=0).shape == X.shape
    assert InMemoryLoader(X, batch_size=np.int64(32)).batch_size == 32


def test_uint8_images_are_shown_scaled_not_white():
    pixels = (X * 255).round().to(torch.uint8)
    fig = show_images(pixels)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), pixels[0, 0].numpy() / 255, rtol=1e-6)


def test_free_display_ranges_allow_values_outside_unit_range():
    assert show_images(X * 4 - 2, vmin=None, vmax=None) is not None
    with pytest.raises(ValueError, match=r"images must hold values in \[0, 1\]"):
        show_images(X * 4 - 2)


# --- the checks themselves ---------------------------------------------------------------------------

def test_describe_shows_shape_and_dtype_of_arrays_and_shortens_long_values():
    assert v.describe(torch.zeros(2, 3)) == "a tensor of shape (2, 3) and dtype torch.float32"
    assert v.describe(np.zeros((2,), dtype=np.uint8)) == "an array of shape (2,) and dtype uint8"
    assert v.describe("a" * 100).endswith("...") and len(v.describe("a" * 100)) == 63
    assert v.describe(3) == "3"


@pytest.mark.parametrize("good", [3, np.int64(3), np.uint8(3)])
def test_check_int_takes_python_and_numpy_integers(good):
    assert v.check_int(good, "n") == 3 and type(v.check_int(good, "n")) is int


@pytest.mark.parametrize(
    ("bad", "kwargs", "error", "message"),
    [
        (True, {}, TypeError, "n must be a positive integer, got True"),
        (np.bool_(True), {}, TypeError, "n must be a positive integer, got"),
        (2.0, {}, TypeError, "n must be a positive integer, got 2.0"),
        ("3", {}, TypeError, "n must be a positive integer, got '3'"),
        (0, {}, ValueError, "n must be a positive integer, got 0"),
        (-1, {"minimum": 0}, ValueError, "n must be a non-negative integer, got -1"),
        (9, {"maximum": 8}, ValueError, "n must be an integer >= 1 and <= 8, got 9"),
        (1, {"minimum": 2}, ValueError, "n must be an integer >= 2, got 1"),
        (-5, {"minimum": None, "maximum": -6}, ValueError, "n must be an integer <= -6, got -5"),
    ],
)
def test_check_int_refuses_booleans_floats_and_out_of_range(bad, kwargs, error, message):
    with pytest.raises(error, match=message):
        v.check_int(bad, "n", **kwargs)


def test_check_seed_covers_what_numpy_accepts():
    assert v.check_seed(2**32 - 1) == 2**32 - 1
    with pytest.raises(ValueError, match="seed must be an integer >= 0 and <= 4294967295, got 4294967296"):
        v.check_seed(2**32)


def test_check_number_takes_numpy_and_one_element_tensors_but_never_booleans():
    assert v.check_number(np.float32(0.5), "r") == 0.5 and v.check_number(torch.tensor(2.0), "r") == 2.0
    assert v.check_number(3, "r", minimum=0.0, strict_minimum=True) == 3.0
    for bad, error, message in [
        (True, TypeError, "r must be a finite number, got True"),
        (torch.tensor(True), TypeError, "r must be a finite number, got"),
        ("1", TypeError, "r must be a finite number, got '1'"),
        (float("nan"), ValueError, "r must be a finite number, got nan"),
        (float("-inf"), ValueError, "r must be a finite number, got -inf"),
    ]:
        with pytest.raises(error, match=message):
            v.check_number(bad, "r")
    with pytest.raises(ValueError, match="r must be a finite number > 0 and <= 1, got 0"):
        v.check_number(0.0, "r", minimum=0.0, maximum=1.0, strict_minimum=True)
    with pytest.raises(ValueError, match="r must be a finite number >= 0 and <= 1, got 1.5"):
        v.check_number(1.5, "r", minimum=0.0, maximum=1.0)


def test_check_bool_str_choice_instance_and_path():
    assert v.check_bool(np.bool_(False), "flag") is False
    with pytest.raises(TypeError, match="flag must be True or False, got 1"):
        v.check_bool(1, "flag")
    with pytest.raises(TypeError, match="label must be a string, got None"):
        v.check_str(None, "label")
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b', got 'c'"):
        v.check_choice("c", "mode", ("a", "b"))
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b', got 1"):
        v.check_choice(1, "mode", ("a", "b"))
    with pytest.raises(TypeError, match="model must be a module, got 'm'"):
        v.check_instance("m", "model", torch.nn.Module, "a module")
    assert v.check_path("data", "root").name == "data"
    with pytest.raises(TypeError, match="root must be a path"):
        v.check_path(1, "root")
    with pytest.raises(ValueError, match="root must be a path, got an empty string"):
        v.check_path(" ", "root")


def test_check_device_parses_and_checks_availability():
    assert v.check_device("cpu", "device") == torch.device("cpu")
    assert v.check_device(torch.device("cpu"), "device") == torch.device("cpu")
    with pytest.raises(ValueError, match="device must be a device such as"):
        v.check_device("tpu", "device")
    with pytest.raises(TypeError, match="device must be a device such as .* got 0"):
        v.check_device(0, "device")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="device asks for device 'cuda:0', which is not available here"):
            v.check_device("cuda:0", "device")


def test_check_sequence_checks_type_length_and_each_item():
    assert v.check_sequence((1, np.int64(2)), "dims", item=v.check_int) == [1, 2]
    assert v.check_sequence([], "dims") == []
    with pytest.raises(TypeError, match="dims must be a list or tuple, got 'ab'"):
        v.check_sequence("ab", "dims")
    with pytest.raises(ValueError, match=r"dims must hold exactly 2 items, got 1: \[1\]"):
        v.check_sequence([1], "dims", length=2)
    with pytest.raises(ValueError, match="dims must hold at least 1 items, got 0"):
        v.check_sequence([], "dims", min_length=1)
    with pytest.raises(ValueError, match=r"dims\[1\] must be a positive integer, got 0"):
        v.check_sequence([1, 0], "dims", item=v.check_int)


def test_check_loader_wants_a_sized_non_empty_iterable():
    assert v.check_loader([torch.zeros(2)], "loader")
    with pytest.raises(TypeError, match="loader must be a loader of batches .*wrap it"):
        v.check_loader(torch.zeros(2, 2), "loader")
    with pytest.raises(TypeError, match="loader must be a loader of batches"):
        v.check_loader(iter([torch.zeros(2)]), "loader")
    with pytest.raises(ValueError, match="loader must yield at least one batch"):
        v.check_loader(InMemoryLoader(torch.zeros(3), batch_size=4, drop_last=True), "loader")


def test_check_tensor_checks_type_dimensions_shape_dtype_size_and_values():
    assert v.check_tensor(X, "x", shape=(1, 28, 28)) is X
    assert isinstance(v.check_tensor(np.zeros((2, 3)), "x", arrays=True), torch.Tensor)
    assert v.check_tensor(np.zeros((3, 2))[::-1], "x", arrays=True).shape == (3, 2)  # negative strides
    cases = [
        (np.zeros(3), {}, TypeError, r"x must be a torch tensor, got an array .*torch.as_tensor"),
        (np.array(["a"]), {"arrays": True}, TypeError, "x must hold numbers"),
        (torch.tensor(1.0), {}, ValueError, r"x must be a batch of shape \(N, ...\) with at least 1 dimension,"),
        (torch.zeros(3), {"min_ndim": 2}, ValueError, "with at least 2 dimensions"),
        (torch.zeros(3), {"ndim": (2, 4)}, ValueError, "x must have 2 or 4 dimensions"),
        (torch.zeros(2, 3), {"shape": (4,)}, ValueError, r"x must have shape \(N, 4\), got a tensor of shape \(2, 3\)"),
        (torch.zeros(4), {"shape": (4,)}, ValueError, r"for a single one use x.unsqueeze\(0\)"),
        (torch.zeros(2, 4), {"shape": (1, 2, 2)}, ValueError, r"for flat rows use x.view\(-1, 1, 2, 2\)"),
        (torch.zeros(2, dtype=torch.int64), {}, TypeError, r"x must hold floats, got .*; convert with .float\(\)"),
        (torch.zeros(2), {"dtype": "integer"}, TypeError, "x must hold integers"),
        (torch.zeros(2, dtype=torch.bool), {"dtype": "integer"}, TypeError, "x must hold integers"),
        (torch.zeros(0, 2), {}, ValueError, "x must not be empty"),
        (torch.tensor([1.0, float("inf")]), {}, ValueError, "x must hold finite values, got NaN or infinity"),
    ]
    for value, kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            v.check_tensor(value, "x", **kwargs)
    assert v.check_tensor(torch.zeros(0, 2), "x", allow_empty=True).shape == (0, 2)
    assert v.check_tensor(torch.tensor([float("nan")]), "x", finite=False).isnan().all()
    assert v.check_tensor(torch.zeros(2, dtype=torch.bool), "x", dtype=None).dtype == torch.bool


def test_check_range_refuses_nan_infinity_and_values_outside():
    v.check_range(torch.tensor([0.0, 1.0]), "x", 0, 1)
    v.check_range(torch.zeros(0), "x", 0, 1)
    v.check_range(torch.tensor([0, 7]), "q", 0, 7)
    with pytest.raises(ValueError, match="x must hold finite values"):
        v.check_range(torch.tensor([0.5, float("nan")]), "x", 0, 1)  # NaN never passes a comparison
    with pytest.raises(ValueError, match="x must hold finite values"):
        v.check_range(torch.tensor([0.5, float("-inf")]), "x", 0, 1)
    with pytest.raises(ValueError, match=r"q must hold values in \[0, 7\], got values from 0 to 8\.$"):
        v.check_range(torch.tensor([0, 8]), "q", 0, 7)
    with pytest.raises(ValueError, match=r"got values from -0.1 to 1\.$"):
        v.check_range(torch.tensor([-0.1, 1.0]), "x", 0, 1)


def test_check_images_and_grey_images():
    assert v.check_images(X, "x", shape=(1, 28, 28)) is X
    with pytest.raises(ValueError, match=r"x must hold values in \[0, 1\], got values from 0 to 255 \(0-255 pixels"):
        v.check_images(torch.tensor([[0.0, 255.0]]), "x")
    with pytest.raises(ValueError, match="x must hold finite values"):
        v.check_images(torch.tensor([[0.5, float("nan")]]), "x")
    assert v.check_grey_images(X[:, 0], "x", min_size=7).shape == (4, 28, 28)
    with pytest.raises(ValueError, match=r"x must be grey images of shape \(N, 1, H, W\) or \(N, H, W\), got"):
        v.check_grey_images(torch.zeros(2, 3, 4, 4), "x")
    with pytest.raises(ValueError, match="x must have 3 or 4 dimensions"):
        v.check_grey_images(torch.zeros(2, 4), "x")


def test_shape_length_and_pair_checks():
    v.check_same_shape(X, X.numpy(), ("a", "b"))
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(4, 1, 28, 28\) and \(2, 1,"):
        v.check_same_shape(X, X[:2], ("a", "b"))
    v.check_same_length((torch.zeros(3, 2), np.zeros(3)), ("z", "labels"))
    with pytest.raises(ValueError, match="z and labels must have the same length .*got z: 3, labels: 2"):
        v.check_same_length((torch.zeros(3, 2), np.zeros(2)), ("z", "labels"))
    x, x_hat = v.check_reconstruction_pair(X, X * 3 - 1)  # the estimate may leave [0, 1]
    assert x is X and x_hat.shape == X.shape


@pytest.mark.parametrize(
    ("images", "shape"),
    [(torch.rand(2, 1, 5, 6), (2, 5, 6)), (np.random.rand(2, 5, 6), (2, 5, 6)), (torch.rand(2, 16), (2, 4, 4))],
)
def test_as_image_array_accepts_the_usual_layouts(images, shape):
    array = v.as_image_array(images, "images")
    assert array.shape == shape and array.dtype == np.float32


def test_as_image_array_scales_uint8_and_refuses_what_it_cannot_show():
    array = v.as_image_array(np.full((1, 2, 2), 255, dtype=np.uint8), "images")
    assert array.max() == 1.0
    assert v.as_image_array(torch.full((1, 2, 2), -3.0), "images", unit_range=False).min() == -3.0
    cases = [
        ([[0.0]], {}, TypeError, "images must be a torch tensor or NumPy array"),
        (torch.zeros(1, 2, 2, dtype=torch.bool), {}, TypeError, "images must hold float pixels .* or uint8"),
        (torch.zeros(1, 2, 2, dtype=torch.int64), {}, TypeError, "images must hold float pixels .* or uint8"),
        (torch.zeros(2, 3, 4, 4), {}, ValueError, r"images must have shape \(N, 1, H, W\), \(N, H, W\) or flat"),
        (torch.zeros(2, 5), {}, ValueError, "flat square"),
        (torch.zeros(0, 4, 4), {}, ValueError, "images must not be empty"),
        (torch.full((1, 2, 2), 2.0), {}, ValueError, r"images must hold values in \[0, 1\]"),
        (torch.full((1, 2, 2), float("nan")), {}, ValueError, "images must hold finite values"),
        (torch.full((1, 2, 2), float("inf")), {"unit_range": False}, ValueError, "images must hold finite values"),
    ]
    for value, kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            v.as_image_array(value, "images", **kwargs)
