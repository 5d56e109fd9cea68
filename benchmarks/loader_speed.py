"""Time one training epoch fed by InMemoryLoader against a per-sample DataLoader, side by side, and print the ratio.

    python benchmarks/loader_speed.py                    # offline sample or local MNIST, best device
    python benchmarks/loader_speed.py --epochs 5 --device cpu --limit 2000

Both loaders feed the same model (MLPAutoencoder, latent_dim=8) with the same batch size; the epochs
alternate between the two loaders so that a busy machine slows both alike. The median epoch time of
each is reported. Speed claims belong here, not in timed tests.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course_utils.data import InMemoryLoader, load_mnist
from course_utils.models import MLPAutoencoder
from course_utils.training import get_device, seed_everything


def time_epoch(model: nn.Module, batches, optimizer: torch.optim.Optimizer, device: torch.device) -> float:
    """Return the seconds one training epoch over batches takes (GPU work included)."""
    loss_fn = nn.MSELoss()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for x in batches:
        x = x.to(device)
        loss = loss_fn(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per loader and their ratio; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per loader (default 3)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None, help="use only the first LIMIT training images")
    parser.add_argument("--device", default=None, help="cpu, cuda or mps (default: the best available)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")

    device = get_device(args.device)
    x_train, _ = load_mnist("train", limit=args.limit)  # (N, 1, 28, 28)
    seed_everything(0)
    model = MLPAutoencoder(latent_dim=8).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    in_memory = InMemoryLoader(x_train, batch_size=args.batch_size, shuffle=True, device=device)
    per_sample = DataLoader(TensorDataset(x_train), batch_size=args.batch_size, shuffle=True)

    def per_sample_batches():
        return (x for (x,) in per_sample)

    time_epoch(model, in_memory, optimizer, device)  # warm-up: first-call costs are not the loader's
    times: dict[str, list[float]] = {"InMemoryLoader": [], "DataLoader (per sample)": []}
    for _ in range(args.epochs):
        times["InMemoryLoader"].append(time_epoch(model, in_memory, optimizer, device))
        times["DataLoader (per sample)"].append(time_epoch(model, per_sample_batches(), optimizer, device))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, seconds in medians.items():
        print(f"{name:<24} {seconds:.3f} s per epoch (median of {args.epochs}, {len(x_train):,} images, {device.type})")
    ratio = medians["DataLoader (per sample)"] / medians["InMemoryLoader"]
    print(f"ratio: the per-sample DataLoader takes {ratio:.1f}x as long as InMemoryLoader")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
