"""Re-run notebooks over a grid of seeds and training fractions and report every asserted claim's worst margin.

Each notebook states its outcomes through `course_utils.claims.assert_claim`. This tool executes
every notebook once per (seed, fraction), each time in a fresh kernel with COURSE_SEED,
COURSE_TRAIN_FRACTION and COURSE_CLAIMS_FILE set, so that the claims are recorded instead of
raised, and prints one table per notebook. Usage, from the repository root:

    python tools/measure_margins.py                     # every notebook, seeds 0 1 2 x fractions 1.0 0.5
    python tools/measure_margins.py 05 08 --seeds 0     # two notebooks, one seed
    python tools/measure_margins.py --data-dir DIR --seeds 0    # full MNIST in DIR/MNIST/raw/

Kernels always run offline (COURSE_OFFLINE=1) with one thread each (OMP_NUM_THREADS=1).
Exit status 0 only if every claim held at every grid point, no run failed, and every notebook
recorded at least one claim.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
               "t10k-labels-idx1-ubyte")
CELL_TIMEOUT_S = 3600  # generous: full MNIST on a CPU trains for minutes in one cell
DATA_LINE = re.compile(r"^MNIST train: .*? from (.+)$", re.M)


@dataclass
class Run:
    """One execution of one notebook at one grid point, and what it recorded."""

    notebook: Path
    seed: int
    fraction: float
    records: list[dict] = field(default_factory=list)
    error: str | None = None
    data_sources: set[str] = field(default_factory=set)
    seconds: float = 0.0


def _seed(text: str) -> int:
    """Return text as a non-negative integer seed (argparse type)."""
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed must be a non-negative integer, got {text!r}") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"a seed must be a non-negative integer, got {seed}")
    return seed


def _fraction(text: str) -> float:
    """Return text as a training fraction in (0, 1] (argparse type)."""
    try:
        fraction = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a fraction must be a number in (0, 1], got {text!r}") from None
    if not 0.0 < fraction <= 1.0:
        raise argparse.ArgumentTypeError(f"a fraction must be a number in (0, 1], got {text}")
    return fraction


def _positive(text: str) -> int:
    """Return text as a positive integer (argparse type for --jobs and --timeout)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def resolve_notebooks(names: list[str], notebooks_dir: Path = NOTEBOOKS) -> list[Path]:
    """Return the notebook paths for names (paths, file names or prefixes like '05'); all notebooks if none."""
    if not names:
        found = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
        if not found:
            raise SystemExit(f"No notebooks NN_*.ipynb in {notebooks_dir}.")
        return found
    paths = []
    for name in names:
        if Path(name).is_file():
            paths.append(Path(name).resolve())
            continue
        if "/" not in name and (notebooks_dir / name).is_file():
            paths.append(notebooks_dir / name)
            continue
        matches = sorted(notebooks_dir.glob(f"{name}*.ipynb")) if "/" not in name else []
        if len(matches) != 1:
            what = "matches no notebook" if not matches else "is ambiguous: " + ", ".join(p.name for p in matches)
            raise SystemExit(f"{name!r} {what}. Give a path, a file name in notebooks/, or a prefix like 05.")
        paths.append(matches[0])
    return list(dict.fromkeys(paths))  # keep the order, drop repeats


def check_data_dir(data_dir: Path) -> Path:
    """Return data_dir resolved, after checking that it holds full MNIST in torchvision's layout."""
    raw = data_dir.resolve() / "MNIST" / "raw"
    missing = [name for name in MNIST_FILES if not (raw / name).is_file() and not (raw / f"{name}.gz").is_file()]
    if missing:
        raise SystemExit(f"--data-dir {data_dir} must hold full MNIST in torchvision's layout, "
                         f"DIR/MNIST/raw/*-ubyte[.gz]; missing in {raw}: {', '.join(missing)}.")
    return data_dir.resolve()


def kernel_env(seed: int, fraction: float, claims_file: Path, data_dir: Path | None) -> dict[str, str]:
    """Return the environment for one run's kernel: this process's, plus the run settings."""
    env = dict(os.environ)
    env.update({
        "COURSE_SEED": str(seed),
        "COURSE_TRAIN_FRACTION": repr(fraction),
        "COURSE_CLAIMS_FILE": str(claims_file),
        "COURSE_OFFLINE": "1",  # never download during a measurement
        "OMP_NUM_THREADS": "1",  # several kernels share the cores
    })
    if data_dir is not None:
        env["COURSE_DATA_DIR"] = str(data_dir)
    return env


def _error_line(error: BaseException) -> str:
    """Return the last informative line of an execution error."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:
        return f"{ename}: {evalue}" if evalue else ename
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def execute(run: Run, claims_file: Path, data_dir: Path | None, *, timeout: int = CELL_TIMEOUT_S) -> Run:
    """Return run after executing its notebook in a fresh kernel, with its recorded claims and any error."""
    start = time.perf_counter()
    notebook = nbformat.read(run.notebook, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=timeout)
    try:  # the notebook runs in its own folder, as in JupyterLab
        client.execute(env=kernel_env(run.seed, run.fraction, claims_file, data_dir), cwd=str(run.notebook.parent))
    except Exception as error:  # a cell error, a time-out or a dead kernel: report it, go on with the others
        run.error = _error_line(error)
    if claims_file.is_file():
        lines = claims_file.read_text(encoding="utf-8").splitlines()
        run.records = [json.loads(line) for line in lines if line.strip()]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                run.data_sources.update(DATA_LINE.findall(output.get("text", "")))
    run.seconds = time.perf_counter() - start
    return run


def _number(value: float) -> str:
    """Return value with four significant digits."""
    return f"{value:.4g}"


def _grid_point(run: Run) -> str:
    """Return 'seed s, fraction f' for run."""
    return f"seed {run.seed}, fraction {run.fraction}"


def claim_rows(runs: list[Run]) -> list[list[str]]:
    """Return one table row per claim (in first-recorded order) over the runs of one notebook."""
    by_claim: dict[tuple[str, str], list[tuple[Run, dict]]] = {}
    for run in runs:
        for record in run.records:
            by_claim.setdefault((record["claim"], record["direction"]), []).append((run, record))
    rows = []
    for (name, direction), measured in by_claim.items():
        values = [record["value"] for _, record in measured]
        bounds = sorted({record["bound"] for _, record in measured})
        margins = [(r["bound"] - r["value"]) if direction == "<" else (r["value"] - r["bound"]) for _, r in measured]
        bound = _number(bounds[0]) if len(bounds) == 1 else f"{_number(bounds[0])} to {_number(bounds[-1])}"
        failing = list(dict.fromkeys(_grid_point(run) for run, record in measured if not record["holds"]))
        runs_with_claim = len({id(run) for run, _ in measured})
        rows.append([
            name, f"{direction} {bound}", _number(min(values)), _number(max(values)), _number(min(margins)),
            f"{runs_with_claim}/{len(runs)}", "yes" if not failing else f"NO ({'; '.join(failing)})",
        ])
    return rows


def notebook_report(runs: list[Run], rows: list[list[str]]) -> str:
    """Return the markdown section for one notebook: its claims table (rows), errors and data sources."""
    lines = [f"### {runs[0].notebook.name}", ""]
    if rows:
        lines += ["| claim | bound | min | max | worst margin | runs | holds |", "|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    else:
        lines.append("No claims recorded (the notebook calls no `assert_claim`, or failed before its first).")
    errors = [run for run in runs if run.error]
    if errors:
        lines += ["", "Errors:"] + [f"- {_grid_point(run)}: {run.error}" for run in errors]
    sources = sorted(set().union(*(run.data_sources for run in runs)))
    if sources:
        lines += ["", "Training data: " + "; ".join(sources)]
    return "\n".join(lines)


def report(runs: list[Run], seconds: float) -> tuple[str, bool]:
    """Return the markdown report for all runs (grouped by notebook, in order) and whether everything held."""
    by_notebook: dict[Path, list[Run]] = {}
    for run in runs:
        by_notebook.setdefault(run.notebook, []).append(run)
    sections, num_claims, num_failing, without_claims = [], 0, 0, []
    for notebook, notebook_runs in by_notebook.items():
        rows = claim_rows(notebook_runs)
        sections.append(notebook_report(notebook_runs, rows))
        num_claims += len(rows)
        num_failing += sum(row[-1] != "yes" for row in rows)
        if not rows:
            without_claims.append(notebook.name)
    num_errors = sum(run.error is not None for run in runs)
    ok = num_failing == 0 and num_errors == 0 and not without_claims
    totals = (f"{'OK' if ok else 'FAILED'}: {len(by_notebook)} notebook(s), {len(runs)} run(s), {num_errors} "
              f"error(s); {num_claims} claim(s), {num_failing} failing at some grid point")
    if without_claims:
        totals += f"; no claims in {', '.join(without_claims)}"
    sections.append(f"{totals}; wall time {seconds:.0f} s.")
    return "\n\n".join(sections) + "\n", ok


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the parsed command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="paths, file names in notebooks/ or prefixes like 05 (default: every NN_*.ipynb)")
    parser.add_argument("--seeds", nargs="+", type=_seed, default=[0, 1, 2], metavar="S", help="default: 0 1 2")
    parser.add_argument("--fractions", nargs="+", type=_fraction, default=[1.0, 0.5], metavar="F",
                        help="shares of the training images, in (0, 1] (default: 1.0 0.5)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="folder with full MNIST in DIR/MNIST/raw/ (default: a copy in COURSE_DATA_DIR or "
                             "data/, else the offline sample)")
    parser.add_argument("--jobs", type=_positive, default=2, metavar="N", help="notebooks run at once (default: 2)")
    parser.add_argument("--timeout", type=_positive, default=CELL_TIMEOUT_S, metavar="SECONDS",
                        help=f"time limit per cell (default: {CELL_TIMEOUT_S})")
    parser.add_argument("--output", type=Path, metavar="FILE", help="also write the tables (markdown) to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the grid, print the tables and return the exit status (0 if every claim held everywhere)."""
    args = parse_args(argv)
    notebooks = resolve_notebooks(args.notebooks)
    data_dir = check_data_dir(args.data_dir) if args.data_dir is not None else None
    seeds, fractions = list(dict.fromkeys(args.seeds)), list(dict.fromkeys(args.fractions))
    runs = [Run(notebook, seed, fraction) for notebook in notebooks for seed in seeds for fraction in fractions]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-claims-") as folder, ThreadPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(execute, run, Path(folder) / f"run{index}.jsonl", data_dir, timeout=args.timeout)
            for index, run in enumerate(runs)
        ]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                run = future.result()
                outcome = f"ERROR {run.error}" if run.error else f"{len(run.records)} claim(s) recorded"
                print(f"[{done}/{len(runs)}] {run.notebook.name}, {_grid_point(run)}: {run.seconds:.1f} s, {outcome}",
                      file=sys.stderr, flush=True)
        except KeyboardInterrupt:  # Ctrl-C also interrupts the running kernels; start no more
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    text, ok = report(runs, time.perf_counter() - start)
    print(text, end="")
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
