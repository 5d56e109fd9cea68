"""Time every notebook as `make test` runs it (nbval, a fresh kernel each) and print a runtime and memory table.

    python tools/course_runtime.py                          # offline sample, every notebook
    python tools/course_runtime.py --data-dir DIR           # full MNIST in DIR/MNIST/raw/
    python tools/course_runtime.py 04 08 --threads 2        # some notebooks, two threads per kernel
    python tools/course_runtime.py --readme                 # also write the table into README.md

Notebooks run one at a time, so time them on an otherwise quiet machine. Each row is the wall time of
`pytest --nbval` on one notebook (kernel start included) and the peak resident memory of the largest
process it started (the kernel). With --readme the table replaces the one between the README's
`<!-- runtime:offline -->` (or `<!-- runtime:full -->`) markers and the matching `<!-- /runtime -->`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from measure_margins import check_data_dir, resolve_notebooks  # noqa: E402

README = ROOT / "README.md"


def time_notebook(path: Path, env: dict[str, str]) -> tuple[float, float, bool]:
    """Return (seconds, peak memory in MiB, passed) for one nbval run of the notebook at path."""
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", str(path)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # usage covers the largest descendant that was waited for
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode == 0  # Linux reports ru_maxrss in KiB


def runtime_table(rows: list[tuple[str, float, float, bool]], data: str, threads: int) -> str:
    """Return a markdown table of (notebook, seconds, MiB, passed) rows with a total line."""
    lines = [f"Data: {data}; {threads} thread(s) per kernel; one notebook at a time.", "",
             "| notebook | seconds | peak memory (MiB) | nbval |", "|---|---:|---:|---|"]
    for name, seconds, mib, passed in rows:
        lines.append(f"| {name} | {seconds:.0f} | {mib:.0f} | {'passed' if passed else 'FAILED'} |")
    total = sum(seconds for _, seconds, _, _ in rows)
    lines.append(f"| **all {len(rows)}** | **{total:.0f}** ({total / 60:.1f} min) | | |")
    return "\n".join(lines)


def write_into_readme(table: str, key: str, readme: Path = README) -> None:
    """Replace the table between the README's <!-- runtime:KEY --> and <!-- /runtime --> markers; returns None."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- runtime:{key} -->\n).*?(\n<!-- /runtime -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme.name} has no <!-- runtime:{key} --> ... <!-- /runtime --> block to fill.")
    readme.write_text(pattern.sub(lambda m: m.group(1) + table + m.group(2), text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Time the notebooks, print the table (and write it into the README); return 0 if every notebook passed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="prefixes like 05 (default: every one)")
    parser.add_argument("--data-dir", type=Path, help="folder with full MNIST in DIR/MNIST/raw/ (default: offline)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="OMP_NUM_THREADS for each kernel (default: all cores)")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    paths = resolve_notebooks(args.notebooks)
    env = {**os.environ, "COURSE_OFFLINE": "1", "OMP_NUM_THREADS": str(args.threads)}
    env.pop("COURSE_CLAIMS_FILE", None)  # claims must raise, as in the tests
    if args.data_dir is not None:
        env["COURSE_DATA_DIR"] = str(check_data_dir(args.data_dir))
        data = "full MNIST (60,000 training / 10,000 test images)"
    else:
        env["COURSE_DATA_DIR"] = str(ROOT / "build" / "no-mnist")  # never a local copy: the offline sample
        data = "the offline sample (4,000 training / 1,000 test images)"
    rows = []
    for path in paths:
        seconds, mib, passed = time_notebook(path, env)
        print(f"{path.name}: {seconds:.1f} s, {mib:.0f} MiB, {'passed' if passed else 'FAILED'}", flush=True)
        rows.append((path.stem, seconds, mib, passed))
    table = runtime_table(rows, data, args.threads)
    print(table)
    if args.readme:
        write_into_readme(table, "full" if args.data_dir is not None else "offline")
    return 0 if all(passed for *_, passed in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
