"""Property-based tests: for generated input, every public function either gives a result of the documented
shape, dtype and range, or refuses with a TypeError / ValueError that names the offending argument."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from torch import nn

from course_utils import compression, corruption, data, metrics, models, plotting, training
from course_utils.data import InMemoryLoader

# Small examples, no example database written into the repository, no per-example deadline (CPU is shared).
FAST = settings(max_examples=25, deadline=None, database=None)
FIGURES = settings(max_examples=6, deadline=None, database=None)  # each figure costs ~0.1 s (tight_layout)


def raises_naming(name: str, call, *args, **kwargs) -> None:
    """Assert that call(*args, **kwargs) raises a TypeError or ValueError whose message names the argument."""
    with pytest.raises((TypeError, ValueError)) as info:
        call(*args, **kwargs)
    assert name in str(info.value), f"{info.value!r} does not name {name!r}"


# --- strategies ----------------------------------------------------------------------------------------

@st.composite
def images(draw, *, shape=None, max_n=3, max_side=6) -> torch.Tensor:
    """Return a float32 image batch (N, 1, H, W) in [0, 1], or of shape (N, *shape); pixels include exact 0 and 1."""
    n = draw(st.integers(1, max_n))
    if shape is None:
        shape = (1, draw(st.integers(1, max_side)), draw(st.integers(1, max_side)))
    generator = torch.Generator().manual_seed(draw(st.integers(0, 2**16)))
    x = torch.rand(n, *shape, generator=generator)
    kind = draw(st.sampled_from(["uniform", "binary", "zeros", "ones"]))
    if kind == "binary":
        x = (x > 0.5).float()
    elif kind in ("zeros", "ones"):
        x = torch.full_like(x, float(kind == "ones"))
    return x


@st.composite
def spoiled(draw, x: torch.Tensor) -> torch.Tensor | object:
    """Return x spoiled in one way that every image argument must refuse."""
    kind = draw(st.sampled_from(["list", "array", "int", "bool", "nan", "inf", "-inf", "above", "below", "empty"]))
    if kind == "list":
        return x.tolist()
    if kind == "array":
        return x.numpy()
    if kind == "int":
        return (x * 255).to(torch.uint8)
    if kind == "bool":
        return x > 0.5
    if kind == "empty":
        return x[:0]
    bad = x.clone().view(-1)
    index = draw(st.integers(0, bad.numel() - 1))
    bad[index] = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf,
                  "above": draw(st.floats(1.001, 1e6)), "below": draw(st.floats(-1e6, -0.001))}[kind]
    return bad.view(x.shape)


not_a_number = st.one_of(st.booleans(), st.none(), st.text(max_size=3), st.lists(st.integers(), max_size=2),
                         st.complex_numbers(allow_nan=False, allow_infinity=False))
not_finite = st.sampled_from([math.nan, math.inf, -math.inf, np.float32("nan")])


def bad_ints(minimum: int = 1, maximum: int | None = None) -> st.SearchStrategy:
    """Return values an integer argument in [minimum, maximum] must refuse: non-integers and integers outside."""
    outside = st.integers(-(2**62), minimum - 1)
    if maximum is not None:
        outside = st.one_of(outside, st.integers(maximum + 1, 2**62))
    floats = st.floats(allow_nan=True, allow_infinity=True)
    return st.one_of(not_a_number, floats, outside, outside.map(np.int64))


def bad_levels() -> st.SearchStrategy:
    """Return values a level in [0, 1] (sigma, rate, alpha) must refuse."""
    return st.one_of(not_a_number, not_finite, st.floats(1.0001, 1e9), st.floats(-1e9, -0.0001),
                     st.floats(1.0001, 10).map(np.float32))


unknown_names = st.text(max_size=8)


# --- data ----------------------------------------------------------------------------------------------

@FAST
@given(st.lists(st.integers(0, 255), min_size=1, max_size=24).map(lambda v: np.array(v, dtype=np.uint8)),
       st.booleans())
def test_read_idx_returns_what_was_written(tmp_path_factory, array, gz):
    import gzip

    path = tmp_path_factory.mktemp("idx") / ("file.gz" if gz else "file")
    payload = b"\x00\x00\x08\x01" + len(array).to_bytes(4, "big") + array.tobytes()
    path.write_bytes(gzip.compress(payload) if gz else payload)
    result = data.read_idx(path)
    assert result.dtype == np.uint8 and np.array_equal(result, array)


@FAST
@given(unknown_names.filter(lambda s: s not in data.SPLITS))
def test_unknown_splits_are_named(split):
    raises_naming("split", data.load_mnist, split, offline=True)
    raises_naming("split", data.download_mnist, split)


@FAST
@given(st.one_of(not_a_number, not_finite, st.floats(max_value=0.0), st.floats(1.0001, 1e9)))
def test_bad_fractions_are_named(fraction):
    raises_naming("fraction", data.load_mnist, "train", fraction=fraction, offline=True)


@FAST
@given(bad_ints().filter(lambda v: v is not None))  # None means no limit
def test_bad_limits_are_named(limit):
    raises_naming("limit", data.load_mnist, "train", limit=limit, offline=True)


@FAST
@given(st.one_of(not_a_number, not_finite, st.floats(max_value=0.0)))
def test_bad_timeouts_are_named(timeout):
    raises_naming("timeout", data.load_mnist, "train", timeout=timeout, offline=True)
    raises_naming("timeout", data.download_mnist, "train", timeout=timeout)


@FAST
@given(st.integers(1, 20), st.integers(1, 8), st.booleans(), st.booleans(), st.integers(0, 2**32 - 1))
def test_in_memory_loader_yields_every_sample_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    x = torch.arange(n).float().view(n, 1)  # (n, 1)
    loader = InMemoryLoader(x, torch.arange(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                            seed=seed)
    batches = list(loader)
    assert len(batches) == len(loader) == (n // batch_size if drop_last else math.ceil(n / batch_size))
    seen = torch.cat([b[1] for b in batches]) if batches else torch.zeros(0, dtype=torch.int64)
    assert len(set(seen.tolist())) == len(seen) and all(torch.equal(xb[:, 0].long(), yb) for xb, yb in batches)
    assert len(seen) == (n // batch_size * batch_size if drop_last else n)


@FAST
@given(bad_ints(), bad_ints(minimum=0).filter(lambda v: v is not None))
def test_in_memory_loader_names_bad_integers(batch_size, seed):
    raises_naming("batch_size", InMemoryLoader, torch.zeros(3), batch_size=batch_size)
    raises_naming("seed", InMemoryLoader, torch.zeros(3), batch_size=2, seed=seed)


def refused_everywhere(value: object) -> bool:
    """Return whether value is refused by every tensor argument: not a float tensor, empty, NaN or infinite."""
    return (not isinstance(value, torch.Tensor) or value.numel() == 0 or not value.is_floating_point()
            or not bool(torch.isfinite(value).all()))


@FAST
@given(images(), spoiled(torch.zeros(1)).filter(  # any dtype is fine in a loader, labels included
    lambda v: not isinstance(v, torch.Tensor) or v.numel() == 0 or (v.is_floating_point() and not v.isfinite().all())))
def test_in_memory_loader_names_bad_tensors(x, bad):
    raises_naming("tensors[1]", InMemoryLoader, x, bad, batch_size=2)


# --- training ------------------------------------------------------------------------------------------

@FAST
@given(st.one_of(unknown_names, not_a_number))
def test_get_device_gives_a_device_or_names_preferred(preferred):
    try:
        device = training.get_device(preferred)
    except (TypeError, ValueError) as err:
        assert "preferred" in str(err)
    else:
        assert isinstance(device, torch.device)


@FAST
@given(st.one_of(not_a_number, st.floats(), st.integers(max_value=-1), st.integers(min_value=2**32)))
def test_bad_seeds_are_named(seed):
    raises_naming("seed", training.seed_everything, seed)


def tiny_model() -> nn.Module:
    """Return a linear autoencoder for 3-pixel 'images'."""
    return nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 3), nn.Sigmoid())


@FAST
@given(images(shape=(3,), max_n=6), st.integers(1, 3), st.integers(1, 2), st.booleans())
def test_fit_returns_one_finite_loss_per_epoch(x, batch_size, num_epochs, use_bce):
    loss_fn = nn.BCELoss() if use_bce else (lambda x, x_hat: (x - x_hat).abs().mean())
    history = training.fit(tiny_model(), InMemoryLoader(x, batch_size=batch_size), num_epochs=num_epochs,
                           loss_fn=loss_fn, test_loader=InMemoryLoader(x, batch_size=4), progress=False)
    assert set(history) == {"train_loss", "test_loss", "seconds"}
    assert all(len(values) == num_epochs and all(math.isfinite(v) and v >= 0 for v in values)
               for values in history.values())


@FAST
@given(st.sampled_from(["num_epochs", "lr", "progress", "optimizer", "loss_fn", "input_transform", "train_loader",
                        "test_loader", "model"]), st.data())
def test_fit_names_every_bad_argument(name, draws):
    bad = {
        "num_epochs": bad_ints(), "lr": st.one_of(not_a_number, not_finite, st.floats(max_value=0.0)),
        "progress": st.one_of(st.integers(), st.text(max_size=2), st.none()),
        "optimizer": st.one_of(st.integers(), st.text(max_size=2)),
        "loss_fn": st.one_of(st.integers(), st.text(max_size=2)),
        "input_transform": st.one_of(st.integers(), st.text(max_size=2)),
        "train_loader": st.one_of(st.just([]), st.integers(), st.just(torch.zeros(2, 3))),
        "test_loader": st.one_of(st.just([]), st.integers(), st.just(torch.zeros(2, 3))),
        "model": st.one_of(st.none(), st.text(max_size=2), st.just(torch.zeros(2))),
    }[name]
    value = draws.draw(bad)
    if name == "progress" and isinstance(value, bool):
        return  # booleans are the valid values
    arguments = {"model": tiny_model(), "train_loader": InMemoryLoader(torch.rand(4, 3), batch_size=2),
                 "num_epochs": 1, "progress": False, name: value}
    raises_naming(name, training.fit, arguments.pop("model"), arguments.pop("train_loader"), **arguments)


@FAST
@given(images(shape=(3,), max_n=7), st.integers(1, 8))
def test_predict_and_evaluate_cover_every_sample(x, batch_size):
    model = tiny_model()
    x_hat = training.predict(model, x, batch_size=batch_size)
    assert x_hat.shape == x.shape and x_hat.dtype == torch.float32 and not x_hat.requires_grad
    loss = training.evaluate(model, InMemoryLoader(x, batch_size=batch_size))
    assert loss == pytest.approx(nn.functional.mse_loss(x_hat, x).item(), rel=1e-4, abs=1e-7)


@FAST
@given(images(shape=(3,)), st.data())
def test_predict_names_bad_input(x, draws):
    raises_naming("x", training.predict, tiny_model(), draws.draw(spoiled(x).filter(refused_everywhere)))
    raises_naming("batch_size", training.predict, tiny_model(), x, batch_size=draws.draw(bad_ints()))


# --- models --------------------------------------------------------------------------------------------

MLP = models.MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
CONV = models.ConvAutoencoder(latent_dim=3, channels=(2, 4))


@FAST
@given(images(shape=(1, 28, 28)), st.sampled_from([MLP, CONV]))
def test_autoencoders_map_images_to_images_in_unit_range(x, model):
    with torch.no_grad():
        x_hat = model(x)
        z = model.encoder(x)
    assert x_hat.shape == x.shape and x_hat.dtype == x.dtype and z.shape == (len(x), 3)
    assert x_hat.min() >= 0 and x_hat.max() <= 1


@FAST
@given(st.one_of(
    st.tuples(st.integers(0, 3), st.integers(1, 3), st.integers(1, 30), st.integers(1, 30)).filter(
        lambda s: s[1:] != (1, 28, 28)).map(lambda s: torch.zeros(s)),
    st.integers(1, 3).map(lambda n: torch.zeros(n, 784)),
    st.integers(0, 3).map(lambda n: torch.zeros(n, 1, 28, 28, dtype=torch.float64)),
    st.integers(1, 3).map(lambda n: torch.zeros(n, 1, 28, 28, dtype=torch.int64)),
    st.integers(1, 3).map(lambda n: np.zeros((n, 1, 28, 28), dtype=np.float32)),
), st.sampled_from([MLP, CONV]))
def test_autoencoders_name_x_for_a_wrong_shape_dtype_or_type(x, model):
    raises_naming("x", model, x)


bad_width = bad_ints().filter(lambda v: not isinstance(v, list))  # a list of ints is a valid hidden_dims


@FAST
@given(st.sampled_from(["latent_dim", "hidden_dims", "channels", "upsampling"]), st.data())
def test_autoencoder_constructors_name_bad_arguments(name, draws):
    bad = {
        "latent_dim": bad_ints(),
        "hidden_dims": st.one_of(bad_width, st.lists(bad_width, min_size=1, max_size=2)),
        "channels": st.one_of(st.lists(st.integers(1, 4), max_size=4).filter(lambda v: len(v) != 2),
                              st.tuples(st.integers(1, 4), bad_width)),
        "upsampling": st.one_of(unknown_names.filter(lambda s: s not in ("transpose", "nearest")), not_a_number),
    }[name]
    value = draws.draw(bad)
    model_class = models.MLPAutoencoder if name == "hidden_dims" else models.ConvAutoencoder
    raises_naming(name, model_class, **{name: value})


@FAST
@given(st.integers(2, 8), st.integers(1, 6), st.integers(0, 2**16), st.data())
def test_pca_reconstructs_in_the_input_shape(n, pixels, seed, draws):
    x = torch.rand(n, 1, pixels, generator=torch.Generator().manual_seed(seed))  # (n, 1, pixels)
    latent_dim = draws.draw(st.integers(1, min(n, pixels)))
    pca = models.fit_pca(x, latent_dim=latent_dim)
    z = models.pca_encode(pca, x)
    assert z.shape == (n, latent_dim) and z.dtype == torch.float32
    x_hat = models.pca_reconstruct(pca, x)
    assert x_hat.shape == x.shape and x_hat.dtype == torch.float32 and torch.isfinite(x_hat).all()
    assert models.pca_decode(pca, z, image_shape=(pixels,)).shape == (n, pixels)
    raises_naming("latent_dim", models.fit_pca, x, latent_dim=draws.draw(bad_ints(maximum=min(n, pixels))))


@FAST
@given(images(shape=(4,)), st.data())
def test_pca_functions_name_bad_input(x, draws):
    pca = models.fit_pca(torch.rand(6, 4), latent_dim=2)
    bad_x = draws.draw(st.one_of(spoiled(x).filter(refused_everywhere), st.just(torch.rand(4)), st.just(x[:1])))
    raises_naming("x", models.fit_pca, bad_x, latent_dim=1)
    if len(bad_x) != 1:  # one image is fine to encode
        raises_naming("x", models.pca_encode, pca, bad_x)
        raises_naming("x", models.pca_reconstruct, pca, bad_x)
    raises_naming("x", models.pca_encode, pca, torch.rand(3, 5))  # 5 pixels, fitted on 4
    raises_naming("z", models.pca_decode, pca, draws.draw(st.sampled_from(
        [torch.zeros(2, 3), torch.zeros(2), torch.zeros(2, 2, dtype=torch.int64), torch.full((2, 2), math.nan)])))
    raises_naming("pca", models.pca_encode, draws.draw(st.one_of(not_a_number, st.just(nn.Linear(1, 1)))), x)


@FAST
@given(st.one_of(not_a_number, st.just(torch.zeros(3))))
def test_count_parameters_names_model(model):
    raises_naming("model", models.count_parameters, model)


# --- metrics -------------------------------------------------------------------------------------------

PER_IMAGE = [metrics.mse_per_image, metrics.psnr_per_image]
AVERAGES = [metrics.reconstruction_error, metrics.psnr, metrics.ssim]


@FAST
@given(images(max_side=9), st.floats(-0.5, 0.5), st.integers(0, 2**16))
def test_metrics_give_one_finite_value_per_image(x, shift, seed):
    noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))
    x_hat = x + shift + 0.1 * noise  # may leave [0, 1], like PCA's reconstructions
    mse = metrics.mse_per_image(x, x_hat)
    assert mse.shape == (len(x),) and mse.dtype == torch.float32 and (mse >= 0).all()
    psnr = metrics.psnr_per_image(x, x_hat)
    assert psnr.shape == (len(x),) and (torch.isfinite(psnr) | (mse == 0)).all()
    assert math.isfinite(metrics.reconstruction_error(x, x_hat))
    if min(x.shape[-2:]) >= 7:
        ssim = metrics.ssim_per_image(x, x_hat)
        assert ssim.shape == (len(x),) and ((ssim >= -1 - 1e-6) & (ssim <= 1 + 1e-6)).all()


@FAST
@given(images(shape=(1, 7, 7)), st.data(), st.sampled_from(PER_IMAGE + AVERAGES + [metrics.ssim_per_image]))
def test_metrics_name_the_bad_argument(x, draws, metric):
    raises_naming("x", metric, draws.draw(spoiled(x)), x)
    bad_hat = draws.draw(spoiled(x).filter(refused_everywhere))
    raises_naming("x_hat", metric, x, bad_hat)
    raises_naming("x_hat", metric, x, x[:, :, :3])  # the shape mismatch names both


# --- corruption ----------------------------------------------------------------------------------------

CORRUPTIONS = [corruption.gaussian_noise, corruption.salt_and_pepper, corruption.mask_pixels]


@FAST
@given(images(), st.floats(0, 1), st.integers(0, 2**32 - 1), st.sampled_from(CORRUPTIONS))
def test_corruptions_stay_in_unit_range_and_keep_shape(x, level, seed, corrupt):
    before = x.clone()
    out = corrupt(x, level, seed=seed)
    assert out.shape == x.shape and out.dtype == x.dtype and out.min() >= 0 and out.max() <= 1
    assert torch.equal(x, before) and torch.equal(out, corrupt(x, level, seed=seed))


@FAST
@given(images(), st.integers(0, 2**32 - 1), st.data())
def test_occlusion_blacks_out_one_square_per_image(x, seed, draws):
    size = draws.draw(st.integers(1, min(x.shape[-2:])))
    out = corruption.occlude(x, size, seed=seed)
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    assert ((out == 0) | (out == x)).all()
    raises_naming("size", corruption.occlude, x, draws.draw(bad_ints(maximum=min(x.shape[-2:]))))


@FAST
@given(images(), st.data(), st.sampled_from(CORRUPTIONS))
def test_corruptions_name_bad_arguments(x, draws, corrupt):
    level_name = "sigma" if corrupt is corruption.gaussian_noise else "rate"
    raises_naming("x", corrupt, draws.draw(spoiled(x)), 0.1)
    raises_naming(level_name, corrupt, x, draws.draw(bad_levels()))
    raises_naming("seed", corrupt, x, 0.1, seed=draws.draw(bad_ints(minimum=0).filter(lambda v: v is not None)))
    raises_naming("generator", corrupt, x, 0.1, generator=draws.draw(not_a_number.filter(lambda v: v is not None)))


# --- compression ---------------------------------------------------------------------------------------

codes = st.builds(lambda n, d, seed, scale: torch.randn(n, d, generator=torch.Generator().manual_seed(seed)) * scale,
                  st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**16), st.floats(1e-3, 1e3))


@FAST
@given(codes, st.integers(1, 16), st.floats(-1e3, 1e3))
def test_quantizer_indices_lie_in_range_and_dequantize_near(z, bits, shift):
    quantizer = compression.fit_quantizer(z, bits=bits)
    q = quantizer.quantize(z + shift)  # outside values clip
    assert q.shape == z.shape and q.dtype == torch.int64
    assert q.min() >= 0 and q.max() <= quantizer.levels - 1
    inside = quantizer.quantize(z)
    error = (quantizer.dequantize(inside) - z).abs()
    assert (error <= quantizer.step / 2 + 1e-5 * (z.abs() + 1)).all()  # half a step, up to float32 rounding
    bits_per_image = compression.entropy_bits_per_image(inside, inside, levels=quantizer.levels)
    assert math.isfinite(bits_per_image) and bits_per_image > 0


@FAST
@given(codes, st.data())
def test_compression_names_bad_arguments(z, draws):
    raises_naming("bits", compression.fit_quantizer, z, bits=draws.draw(bad_ints(maximum=16)))
    bad_z = draws.draw(spoiled(z).filter(refused_everywhere))
    raises_naming("z_train", compression.fit_quantizer, bad_z, bits=2)
    quantizer = compression.fit_quantizer(z, bits=2)
    raises_naming("z", quantizer.quantize, bad_z)
    raises_naming("z", quantizer.quantize, torch.zeros(2, z.shape[1] + 1))
    q = quantizer.quantize(z)
    bad_q = draws.draw(st.sampled_from([q + 4, q - 5, q.float(), q[:0], q.numpy(), q[:, :0]]))
    raises_naming("q", quantizer.dequantize, bad_q)
    raises_naming("q_eval", compression.entropy_bits_per_image, bad_q, q, levels=4)
    raises_naming("levels", compression.entropy_bits_per_image, q, q, levels=draws.draw(bad_ints(minimum=2)))
    raises_naming("bits_per_image", compression.bits_per_pixel, draws.draw(
        st.one_of(not_a_number, not_finite, st.floats(max_value=-1e-9))))


@FAST
@given(images(max_side=9), st.integers(1, 95))
def test_reference_codecs_keep_shape_and_range(x, quality):
    x_hat, sizes = compression.jpeg_roundtrip(x, quality=quality)
    assert x_hat.shape == x.shape and x_hat.min() >= 0 and x_hat.max() <= 1
    assert sizes.shape == (len(x),) and sizes.dtype == torch.int64 and (sizes > 0).all()
    assert (compression.png_sizes(x) > 0).all()


@FAST
@given(images(), st.data())
def test_reference_codecs_name_bad_images(x, draws):
    bad = draws.draw(spoiled(x))
    raises_naming("images", compression.jpeg_roundtrip, bad, quality=50)
    raises_naming("images", compression.png_sizes, bad)
    raises_naming("quality", compression.jpeg_roundtrip, x, quality=draws.draw(bad_ints(maximum=95)))


# --- plotting ------------------------------------------------------------------------------------------

def shown_wrongly(value: object) -> bool:
    """Return whether the figures must refuse value: all spoiled images but NumPy arrays and uint8 (0-255) ones."""
    return not isinstance(value, np.ndarray) and not (isinstance(value, torch.Tensor) and value.dtype == torch.uint8)


@FIGURES
@given(images(max_n=4), st.integers(1, 5), st.booleans(), st.booleans())
def test_show_images_returns_a_figure_with_one_panel_per_image(x, ncols, as_uint8, free_range):
    shown = (x * 255).round().to(torch.uint8).numpy() if as_uint8 else x * 3 - 1 if free_range else x
    limits = {"vmin": None, "vmax": None} if free_range and not as_uint8 else {}
    fig = plotting.show_images(shown, titles=[str(i) for i in range(len(x))], ncols=ncols, **limits)
    try:
        assert isinstance(fig, Figure) and sum(1 for ax in fig.axes if ax.images) == len(x)
    finally:
        plt.close(fig)


@FAST
@given(images(max_n=2), st.data())
def test_show_images_names_bad_arguments(x, draws):
    bad = draws.draw(spoiled(x).filter(shown_wrongly))
    raises_naming("images", plotting.show_images, bad)
    raises_naming("ncols", plotting.show_images, x, ncols=draws.draw(bad_ints()))
    raises_naming("titles", plotting.show_images, x, titles=draws.draw(st.one_of(
        st.lists(st.text(max_size=2), max_size=4).filter(lambda t: len(t) != len(x)),
        st.lists(st.integers(), min_size=len(x), max_size=len(x)))))
    raises_naming("vmin", plotting.show_images, x, vmin=draws.draw(st.one_of(not_a_number.filter(
        lambda v: v is not None), not_finite)))
    plt.close("all")


@FIGURES
@given(images(max_n=3), st.integers(1, 4))
def test_show_reconstructions_and_rows_return_figures(x, n):
    shown = min(n, len(x))
    for fig, rows in ((plotting.show_reconstructions(x, x.flip(0), n=n), 2),
                      (plotting.show_image_rows({"a": x, "b": x, "c": x}, n=n), 3)):
        assert isinstance(fig, Figure) and len(fig.axes) == rows * shown
        plt.close(fig)


@FAST
@given(images(max_n=2), st.data())
def test_show_reconstructions_and_rows_name_bad_arguments(x, draws):
    bad = draws.draw(spoiled(x).filter(shown_wrongly))
    raises_naming("x_hat", plotting.show_reconstructions, x, bad)
    raises_naming("row_labels", plotting.show_reconstructions, x, x, row_labels=draws.draw(st.one_of(
        st.lists(st.text(max_size=2), max_size=4).filter(lambda t: len(t) != 2), st.tuples(st.text(), st.integers()))))
    raises_naming("rows", plotting.show_image_rows, {"noisy": bad})
    raises_naming("n", plotting.show_image_rows, {"a": x}, n=draws.draw(bad_ints()))
    plt.close("all")


@FIGURES
@given(st.lists(st.floats(1e-6, 1e3), min_size=1, max_size=6), st.booleans())
def test_plot_history_draws_each_loss(losses, log_scale):
    fig = plotting.plot_history({"train_loss": losses, "test_loss": losses[::-1], "seconds": losses},
                                log_scale=log_scale)
    try:
        assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) == 2
    finally:
        plt.close(fig)


@FAST
@given(st.lists(st.one_of(not_a_number, not_finite), min_size=1, max_size=3))
def test_plot_history_names_bad_losses(losses):
    raises_naming("history['train_loss']", plotting.plot_history, {"train_loss": [1.0, *losses]})
    plt.close("all")


@FIGURES
@given(st.integers(1, 30), st.integers(0, 2**16), st.floats(0, 1))
def test_plot_codes_2d_draws_one_point_per_code(n, seed, alpha):
    generator = torch.Generator().manual_seed(seed)
    z, labels = torch.randn(n, 2, generator=generator), torch.randint(0, 10, (n,), generator=generator)
    fig = plotting.plot_codes_2d(z, labels, alpha=alpha)
    try:
        assert isinstance(fig, Figure) and len(fig.axes[0].collections[0].get_offsets()) == n
    finally:
        plt.close(fig)


@FAST
@given(st.integers(1, 6), st.data())
def test_plot_codes_2d_names_bad_arguments(n, draws):
    z, labels = torch.zeros(n, 2), torch.zeros(n, dtype=torch.int64)
    raises_naming("z", plotting.plot_codes_2d, draws.draw(st.sampled_from(
        [torch.zeros(n, 3), torch.zeros(n), torch.full((n, 2), math.nan), [[0.0, 0.0]], torch.zeros(0, 2)])), labels)
    raises_naming("labels", plotting.plot_codes_2d, z, draws.draw(st.sampled_from(
        [labels + 10, labels - 1, labels.float(), labels[:, None], "digits", torch.zeros(n + 1, dtype=torch.int64)])))
    raises_naming("alpha", plotting.plot_codes_2d, z, labels, alpha=draws.draw(bad_levels()))
    plt.close("all")
