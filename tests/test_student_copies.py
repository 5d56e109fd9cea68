"""Every student copy runs from top to bottom: an unsolved exercise is skipped, and no later cell needs its answer.

A learner who cannot solve an exercise must still be able to Run All. Each student copy (solutions
replaced by `raise NotImplementedError()` stubs) is executed offline on a quarter of the training
images with claims recorded rather than raised (this test checks that cells run, not the outcomes,
which nbval checks on the real notebooks). Any cell error fails the test, and every stub's
self-check must report "Skipped: ..." instead of raising.
"""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_student_copies import student_copy  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def run_student_copy(path: Path, tmp_path: Path) -> None:
    """Execute the student copy of the notebook at path; fail the test on any cell error or unreported stub."""
    notebook = student_copy(json.loads(path.read_text(encoding="utf-8")))
    stubs = sum("solution" in cell["metadata"].get("tags", []) for cell in notebook["cells"])
    env = {**os.environ, "COURSE_OFFLINE": "1", "COURSE_TRAIN_FRACTION": "0.25", "OMP_NUM_THREADS": "1",
           "COURSE_CLAIMS_FILE": str(tmp_path / "claims.jsonl"), "COURSE_RUNS_DIR": str(tmp_path / "runs")}
    client = NotebookClient(nbformat.reads(json.dumps(notebook), as_version=4), kernel_name="python3", timeout=600)
    try:
        executed = client.execute(env=env, cwd=str(path.parent))
    except CellExecutionError as err:
        cell = "\n".join(str(err).splitlines()[:12])  # nbclient's message starts with the failing cell's source
        pytest.fail(f"student copy of {path.name}: a cell failed ({err.ename}: {err.evalue}); a learner who skips "
                    f"an exercise could not run the rest of the notebook.\n{cell}")
    printed = "\n".join(output.get("text", "") for cell in executed.cells if cell.cell_type == "code"
                        for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    assert printed.count("Skipped: ") >= stubs, (
        f"student copy of {path.name}: {stubs} stubs but only {printed.count('Skipped: ')} self-checks said "
        "'Skipped: ...'; pass the learner's function to its check instead of calling it in the cell")


# One class per notebook: pytest-xdist's --dist loadscope then spreads the notebooks over the workers.
for _path in NOTEBOOKS:
    _name = f"TestStudentCopy{_path.name[:2]}"
    globals()[_name] = type(_name, (), {
        "test_runs_past_every_unsolved_exercise": (lambda self, tmp_path, path=_path: run_student_copy(path, tmp_path)),
        "__doc__": f"The student copy of {_path.name}.",
    })
