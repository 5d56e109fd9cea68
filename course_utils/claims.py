"""Run settings (seed, share of the training data) and the notebooks' asserted learning outcomes.

Every notebook reads its seed and training-data fraction through `run_settings()` and states
each outcome through `assert_claim(...)`. Normally a claim is an assert. When the environment
variable COURSE_CLAIMS_FILE names a file, each claim is appended there as one JSON line instead
(name, value, bound, direction, whether it holds) and the notebook runs on: this is how
`tools/measure_margins.py` re-measures every margin under several seeds and data sizes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from course_utils._validation import check_number

DEFAULT_SEED = 0
DEFAULT_TRAIN_FRACTION = 1.0


class RunSettings(NamedTuple):
    """The seed and the fraction of the training images a notebook uses."""

    seed: int
    train_fraction: float


def _read_env(name: str, default: str) -> str:
    """Return the stripped value of environment variable name, or default when unset or empty."""
    return os.environ.get(name, "").strip() or default


def run_settings() -> RunSettings:
    """Return the seed ($COURSE_SEED, default 0) and training fraction ($COURSE_TRAIN_FRACTION, default 1.0).

    Prints one line when either differs from its default, so that a run never hides what it used.
    """
    seed_text = _read_env("COURSE_SEED", str(DEFAULT_SEED))
    fraction_text = _read_env("COURSE_TRAIN_FRACTION", str(DEFAULT_TRAIN_FRACTION))
    try:
        seed = int(seed_text)
    except ValueError:
        raise ValueError(f"COURSE_SEED must be a non-negative integer, got {seed_text!r}.") from None
    if seed < 0:
        raise ValueError(f"COURSE_SEED must be a non-negative integer, got {seed}.")
    try:
        fraction = float(fraction_text)
    except ValueError:
        raise ValueError(f"COURSE_TRAIN_FRACTION must be a number in (0, 1], got {fraction_text!r}.") from None
    check_number(fraction, "COURSE_TRAIN_FRACTION", minimum=0.0, maximum=1.0, strict_minimum=True)
    settings = RunSettings(seed=seed, train_fraction=fraction)
    if settings != (DEFAULT_SEED, DEFAULT_TRAIN_FRACTION):
        print(f"Run settings: seed {seed} (COURSE_SEED), {fraction:.0%} of the training images "
              "(COURSE_TRAIN_FRACTION); unset both for the defaults 0 and 100%.")
    return settings


def assert_claim(name: str, value: float, *, below: float | None = None, above: float | None = None) -> None:
    """Assert that value < below (or value > above) and print it; with $COURSE_CLAIMS_FILE set, record it instead.

    Returns None. Give exactly one of below and above.
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string describing the claim, got {name!r}.")
    if (below is None) == (above is None):
        raise ValueError(f"Give exactly one of below= and above= for claim {name!r}, got below={below!r}, "
                         f"above={above!r}.")
    value = check_number(value, f"the value of claim {name!r}")
    direction, bound = ("<", below) if below is not None else (">", above)
    bound = check_number(bound, f"the bound of claim {name!r}")
    holds = value < bound if direction == "<" else value > bound
    record_file = os.environ.get("COURSE_CLAIMS_FILE", "").strip()
    if record_file:
        record = {"claim": name, "value": value, "direction": direction, "bound": bound, "holds": holds}
        with Path(record_file).open("a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")
    if holds:
        print(f"Claim holds: {name} = {value:.4g} ({direction} {bound:.4g})")
    elif record_file:
        print(f"Claim FAILS (recorded, not raised): {name} = {value:.4g}, expected {direction} {bound:.4g}")
    else:
        raise AssertionError(f"{name} = {value:.4g}, expected {direction} {bound:.4g}")
