"""Training speed of the classic 784-128-64 MLP autoencoder: the naive pipeline against the course's, side by side.

    python benchmarks/training_speed.py                        # full MNIST if a copy is found, else the sample
    python benchmarks/training_speed.py --data-dir DIR         # full MNIST in DIR/MNIST/raw/
    python benchmarks/training_speed.py --repeats 5 --device cuda --compile

Everything runs in one process and prints markdown tables:
1. epoch time of the naive pipeline (torchvision's MNIST dataset with ToTensor and
   DataLoader(batch_size=64, shuffle=True)) and of the course's (InMemoryLoader + fit) at several batch
   sizes; the configurations take turns, repeat after repeat, so that a busy machine slows all alike,
   and each row is the median over repeats;
2. this machine's limit: the throughput of the training step's own matrix products at that batch size
   (forward and both backward products of every Linear layer, timed alone; the best of the repeats, once
   per batch size), and each run's achieved FLOP/s as a share of it;
3. time to reach a fixed test MSE with the classic settings (batch 64, Adam at 1e-3) and the course's, both
   with InMemoryLoader + fit (this compares settings, not pipelines);
4. peak resident memory while each configuration ran (Linux; reset between configurations).
Without full MNIST the offline sample is tiled to 60,000 images, so epochs cost what full MNIST's do.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

from course_utils.data import InMemoryLoader, load_mnist
from course_utils.models import MLPAutoencoder
from course_utils.training import evaluate, fit, get_device, seed_everything

FULL_SIZE = 60_000
CLEAR_REFS = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")


def classic_model() -> MLPAutoencoder:
    """Return the classic example's model: 784 -> 128 -> 64 (code) -> 128 -> 784."""
    return MLPAutoencoder(latent_dim=64, hidden_dims=(128,))


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file, MNIST's format; returns None."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def training_images(root: Path | None, scratch: Path, size: int = FULL_SIZE,
                    ) -> tuple[torch.Tensor, torch.Tensor, Path, str]:
    """Return (train images, test images, a torchvision MNIST root in scratch, a description), tiling if needed."""
    x_train, y_train = load_mnist("train", root=root)
    x_test, y_test = load_mnist("test", root=root)
    full = len(x_train) >= FULL_SIZE
    repeats = -(-size // len(x_train))
    x_train = x_train.repeat(repeats, 1, 1, 1)[:size]  # (size, 1, 28, 28)
    y_train = y_train.repeat(repeats)[:size]
    # torchvision's MNIST reads only unpacked files, which a copy of MNIST may not have (.gz only), and the
    # sample has none at all: write the same images, unpacked, where it looks.
    raw = scratch / "MNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx(raw / "train-images-idx3-ubyte", (x_train[:, 0] * 255).round().numpy())
    write_idx(raw / "train-labels-idx1-ubyte", y_train.numpy())
    write_idx(raw / "t10k-images-idx3-ubyte", (x_test[:, 0] * 255).round().numpy())  # torchvision wants all four
    write_idx(raw / "t10k-labels-idx1-ubyte", y_test.numpy())
    if full and size == FULL_SIZE:
        return x_train, x_test, scratch, f"full MNIST ({size:,} training images)"
    return x_train, x_test, scratch, f"{'full MNIST' if full else 'the offline sample'} cut or tiled to {size:,} images"


def reset_peak_memory() -> None:
    """Reset the process's peak resident memory counter (Linux); returns None."""
    if CLEAR_REFS.exists():
        CLEAR_REFS.write_text("5")


def peak_memory_mib() -> float:
    """Return the process's peak resident memory since the last reset in MiB (NaN where unknown)."""
    if not STATUS.exists():
        return float("nan")
    line = next(line for line in STATUS.read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (GPU work runs asynchronously); returns None."""
    if device.type == "cuda":
        torch.cuda.synchronize()


def train_epoch(model: nn.Module, batches, optimizer: torch.optim.Optimizer, device: torch.device) -> None:
    """Run one epoch of MSE training over batches (tensors or [tensor, label] pairs); returns None."""
    for batch in batches:
        x = (batch[0] if isinstance(batch, (list, tuple)) else batch).to(device, non_blocking=True)
        loss = nn.functional.mse_loss(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def flops_per_image(model: nn.Module) -> int:
    """Return the multiply-add FLOPs of one training step per image: 2 forward + 4 backward per weight."""
    return 6 * sum(layer.weight.numel() for layer in model.modules() if isinstance(layer, nn.Linear))


def matmul_limit(model: nn.Module, batch_size: int, device: torch.device, *, repeats: int, images: int) -> float:
    """Return the best FLOP/s of the training step's matrix products alone at batch_size, over epochs of images."""
    shapes = [layer.weight.shape for layer in model.modules() if isinstance(layer, nn.Linear)]
    tensors = [(torch.randn(batch_size, d_in, device=device), torch.randn(d_out, d_in, device=device),
                torch.randn(batch_size, d_out, device=device)) for d_out, d_in in shapes]
    steps = max(1, images // batch_size)

    def run() -> float:
        synchronize(device)
        start = time.perf_counter()
        for _ in range(steps):
            for x, weight, grad in tensors:
                x @ weight.T  # forward
                grad @ weight  # gradient for the input
                grad.T @ x  # gradient for the weight
        synchronize(device)
        return time.perf_counter() - start

    run()  # warm-up
    seconds = min(run() for _ in range(repeats))  # a limit: the best run, which a busy moment cannot lower
    return steps * batch_size * flops_per_image(model) / seconds


def square_matmul_flops(device: torch.device, size: int = 2048) -> float:
    """Return the FLOP/s of a size x size matrix product, the usual peak reference (median of 5)."""
    a, b = torch.randn(size, size, device=device), torch.randn(size, size, device=device)
    a @ b

    def run() -> float:
        synchronize(device)
        start = time.perf_counter()
        a @ b
        synchronize(device)
        return time.perf_counter() - start

    return 2 * size**3 / statistics.median(run() for _ in range(5))


def epoch_table(x_train: torch.Tensor, mnist_root: Path, batch_sizes: list[int], device: torch.device,
                repeats: int, compile_model: bool) -> list[dict]:
    """Return one row per pipeline: median epoch seconds, achieved FLOP/s and its share of the limit, peak MiB."""
    naive_data = datasets.MNIST(str(mnist_root), train=True, transform=ToTensor(), download=False)
    configs = [("naive: torchvision MNIST + ToTensor + DataLoader", 64,
                lambda: DataLoader(naive_data, batch_size=64, shuffle=True))]
    for batch_size in batch_sizes:
        loader = InMemoryLoader(x_train, batch_size=batch_size, shuffle=True, device=device)
        configs.append((f"course: InMemoryLoader + fit, batch {batch_size}", batch_size, lambda loader=loader: loader))
    models, times, peaks = {}, {name: [] for name, _, _ in configs}, {name: 0.0 for name, _, _ in configs}
    for name, _, _ in configs:
        seed_everything(0)
        model = classic_model().to(device)
        models[name] = (torch.compile(model) if compile_model else model,
                        torch.optim.Adam(model.parameters(), lr=1e-3), model)
    for repeat in range(repeats + 1):  # repeat 0 warms up every configuration
        for name, _, batches in configs:
            model, optimizer, _ = models[name]
            reset_peak_memory()
            synchronize(device)
            start = time.perf_counter()
            train_epoch(model, batches(), optimizer, device)
            synchronize(device)
            if repeat:
                times[name].append(time.perf_counter() - start)
                peaks[name] = max(peaks[name], peak_memory_mib())
    rows, limits = [], {}
    for name, batch_size, _ in configs:
        seconds = statistics.median(times[name])
        achieved = len(x_train) * flops_per_image(models[name][2]) / seconds
        if batch_size not in limits:  # measured once per batch size: the naive pipeline and batch 64 share it
            limits[batch_size] = matmul_limit(models[name][2], batch_size, device, repeats=repeats,
                                              images=len(x_train))
        limit = limits[batch_size]
        rows.append({"pipeline": name, "batch": batch_size, "seconds": seconds, "achieved": achieved,
                     "limit": limit, "peak_mib": peaks[name]})
    naive = rows[0]["seconds"]
    for row in rows:
        row["speed-up"] = naive / row["seconds"]
    return rows


def time_to_mse(x_train: torch.Tensor, x_test: torch.Tensor, *, batch_size: int, lr: float, target: float,
                max_epochs: int, device: torch.device) -> tuple[float, int, float]:
    """Return (seconds, epochs, final test MSE) to reach test MSE <= target with fit (inf if never)."""
    seed_everything(0)
    model = classic_model().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    train_loader = InMemoryLoader(x_train, batch_size=batch_size, shuffle=True, device=device)
    test_loader = InMemoryLoader(x_test, batch_size=1000, device=device)
    seconds, test_mse = 0.0, float("inf")
    for epoch in range(1, max_epochs + 1):
        synchronize(device)
        start = time.perf_counter()
        fit(model, train_loader, num_epochs=1, optimizer=optimizer, progress=False)
        synchronize(device)
        seconds += time.perf_counter() - start
        test_mse = evaluate(model, test_loader)
        if test_mse <= target:
            return seconds, epoch, test_mse
    return float("inf"), max_epochs, test_mse


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with MNIST in DIR/MNIST/raw/")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 64, 128, 256, 1024],
                        help="batch sizes to time (default: 32 64 128 256 1024: the notebooks' and larger)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per configuration (default 3)")
    parser.add_argument("--device", default=None, help="cpu, cuda or mps (default: the best available)")
    parser.add_argument("--compile", action="store_true", help="also wrap each model in torch.compile")
    parser.add_argument("--target-mse", type=float, default=0.015, help="test MSE for the time-to-target race")
    parser.add_argument("--course-batch-size", type=int, default=256)
    parser.add_argument("--course-lr", type=float, default=3e-3)
    parser.add_argument("--max-epochs", type=int, default=20)
    parser.add_argument("--train-images", type=int, default=FULL_SIZE,
                        help="training images per epoch (default 60,000; fewer for a quick check)")
    args = parser.parse_args(argv)
    if min(args.repeats, *args.batch_sizes, args.train_images, args.max_epochs) < 1:
        parser.error("--repeats, --batch-sizes, --train-images and --max-epochs must be at least 1")
    device = get_device(args.device)
    with tempfile.TemporaryDirectory() as scratch:
        x_train, x_test, mnist_root, data = training_images(args.data_dir, Path(scratch), args.train_images)
        threads = torch.get_num_threads()
        print(f"\nData: {data}; device: {device}; {threads} CPU thread(s); torch {torch.__version__}"
              f"{'; torch.compile' if args.compile else ''}\n")
        rows = epoch_table(x_train, mnist_root, args.batch_sizes, device, args.repeats, args.compile)
    peak = square_matmul_flops(device)
    print("| pipeline | batch | s / epoch (median) | speed-up vs naive | achieved GFLOP/s | share of the step's "
          "matmul limit | peak memory (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['pipeline']} | {row['batch']} | {row['seconds']:.2f} | {row['speed-up']:.1f}x | "
              f"{row['achieved'] / 1e9:.1f} | {row['achieved'] / row['limit']:.0%} of {row['limit'] / 1e9:.1f} "
              f"GFLOP/s | {row['peak_mib']:.0f} |")
    print(f"\nReference: a 2048 x 2048 matrix product runs at {peak / 1e9:.1f} GFLOP/s here.\n")
    print(f"| settings | time to test MSE <= {args.target_mse} | epochs | final test MSE |")
    print("|---|---:|---:|---:|")
    for name, batch_size, lr in (("classic: batch 64, Adam 1e-3", 64, 1e-3),
                                 (f"course: batch {args.course_batch_size}, Adam {args.course_lr:g}",
                                  args.course_batch_size, args.course_lr)):
        seconds, epochs, final = time_to_mse(x_train, x_test, batch_size=batch_size, lr=lr, target=args.target_mse,
                                             max_epochs=args.max_epochs, device=device)
        shown = f"{seconds:.1f} s" if seconds != float("inf") else f"not within {args.max_epochs} epochs"
        print(f"| {name} | {shown} | {epochs} | {final:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
