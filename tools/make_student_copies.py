"""Write student copies of the notebooks: every solution becomes an exercise stub, instructor notes are removed.

The markers are nbgrader's (`### BEGIN SOLUTION` / `### END SOLUTION`), and the stub is the one nbgrader
writes, so an instructor who grades with nbgrader can use these notebooks as its source. The course itself
uses this short script instead: it needs neither nbgrader's course-folder layout nor its gradebook database,
and it also removes the cells tagged `instructor`.

    python tools/make_student_copies.py            # writes student/NN_*.ipynb (git-ignored)
    python tools/make_student_copies.py --out DIR
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTOR_TAG = "instructor"
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)


def strip_solutions(source: str) -> str:
    """Return source with each marked solution replaced by a stub that raises NotImplementedError."""
    return SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()\n", source)


def student_copy(notebook: dict) -> dict:
    """Return a copy of the notebook whose solution cells hold visible stubs and without instructor cells."""
    cells = []
    for cell in notebook["cells"]:
        if INSTRUCTOR_TAG in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "### BEGIN SOLUTION" in source:
            # The stub must be visible everywhere: drop Colab's form title and Jupyter's collapsed source.
            source = re.sub(r"\A# @title.*\n", "", source)
            metadata = {key: value for key, value in cell["metadata"].items() if key != "cellView"}
            cell = {**cell, "source": strip_solutions(source), "outputs": [], "execution_count": None,
                    "metadata": {**metadata, "jupyter": {"source_hidden": False}}}
        cells.append(cell)
    return {**notebook, "cells": cells}


def main(argv: list[str] | None = None) -> int:
    """Write a student copy of every notebook; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="output folder (default: student/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        notebook = student_copy(json.loads(path.read_text(encoding="utf-8")))
        (args.out / path.name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {len(paths)} student notebooks to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
