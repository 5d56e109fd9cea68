"""Saving files so that a failure or an interrupt never leaves half of one: shared by data and training."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Create or replace path with what write(part) puts in path.part, then rename it; returns None.

    On any failure, KeyboardInterrupt included, the .part file is removed and the error re-raised:
    path holds its old content (or nothing) or the whole new one, never half of it.
    """
    # A fixed name, not a random one: a process killed mid-write leaves at most this file, and the next save reuses it.
    part = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(part)
        os.replace(part, path)  # atomic on one file system
    except BaseException:
        with contextlib.suppress(OSError):  # a failing clean-up must not hide the error that matters
            part.unlink(missing_ok=True)
        raise
