"""Every student copy runs from top to bottom, and every notebook survives a second run in the same kernel.

A learner who cannot solve an exercise must still be able to Run All. Each student copy (solutions
replaced by `raise NotImplementedError()` stubs) is executed offline on a quarter of the training
images with claims recorded rather than raised (this test checks that cells run, not the outcomes,
which nbval checks on the real notebooks). Any cell error fails the test, and every stub's
self-check must report "Skipped: ..." instead of raising.

Then, in the same kernel, the full notebook (solutions included) runs from top to bottom: every
cell except the solutions runs a second time on top of the first run's variables, as when a class
presses Run All twice, and each solution runs after its stub, as when a learner fills one in. This
second run uses half the training images: the exercises' self-checks, which now see the worked
solutions, are measured to hold down to half the data (`make margins`), not down to a quarter.
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


def run_twice_in_one_kernel(path: Path, tmp_path: Path) -> None:
    """Execute the student copy of the notebook at path, then the notebook itself, in one kernel; fail on any error."""
    full = json.loads(path.read_text(encoding="utf-8"))
    notebook = student_copy(full)
    stubs = sum("solution" in cell["metadata"].get("tags", []) for cell in notebook["cells"])
    env = {**os.environ, "COURSE_OFFLINE": "1", "COURSE_TRAIN_FRACTION": "0.25", "OMP_NUM_THREADS": "1",
           "COURSE_CLAIMS_FILE": str(tmp_path / "claims.jsonl"), "COURSE_RUNS_DIR": str(tmp_path / "runs")}
    passes = {"student copy": nbformat.reads(json.dumps(notebook), as_version=4),
              "second run (the full notebook, in the same kernel)": nbformat.reads(json.dumps(full), as_version=4)}
    client = NotebookClient(passes["student copy"], kernel_name="python3", timeout=600)
    with client.setup_kernel(env=env, cwd=str(path.parent)):
        for name, executed in passes.items():
            if name != "student copy":  # the notebook's first cell reads it through run_settings()
                client.execute_cell(nbformat.v4.new_code_cell(
                    'import os\nos.environ["COURSE_TRAIN_FRACTION"] = "0.5"'), 0)
            client.nb = executed
            for index, cell in enumerate(executed.cells):
                try:
                    client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                except CellExecutionError as err:
                    source = "\n".join(str(err).splitlines()[:12])  # nbclient's message starts with the cell
                    pytest.fail(f"{path.name}, {name}: cell {index} failed ({err.ename}: {err.evalue}).\n{source}")
    printed = "\n".join(output.get("text", "") for cell in passes["student copy"].cells if cell.cell_type == "code"
                        for output in cell.get("outputs", []) if output.get("output_type") == "stream")
    assert printed.count("Skipped: ") >= stubs, (
        f"student copy of {path.name}: {stubs} stubs but only {printed.count('Skipped: ')} self-checks said "
        "'Skipped: ...'; pass the learner's function to its check instead of calling it in the cell")


# One class per notebook: pytest-xdist's --dist loadscope then spreads the notebooks over the workers.
for _path in NOTEBOOKS:
    _name = f"TestStudentCopy{_path.name[:2]}"
    globals()[_name] = type(_name, (), {
        "test_student_copy_runs_past_every_stub_then_the_notebook_runs_again": (
            lambda self, tmp_path, path=_path: run_twice_in_one_kernel(path, tmp_path)),
        "__doc__": f"The student copy of {_path.name}.",
    })
