"""Tests for the maintainer tools: the notebook header writer, the student-copy maker, the margin measurer."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import measure_margins  # noqa: E402
import notebook_header  # noqa: E402
from make_student_copies import strip_solutions, student_copy  # noqa: E402


def test_header_points_badge_and_install_at_the_repository_and_ref():
    badge, setup = notebook_header.header_cells("03_x.ipynb", "https://github.com/me/course", "v1.0")
    assert "colab.research.google.com/github/me/course/blob/v1.0/notebooks/03_x.ipynb" in badge["source"][0]
    assert '"course_utils @ git+https://github.com/me/course@v1.0"' in "".join(setup["source"])


def test_retargeting_a_fork_rewrites_the_one_place(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project.urls]\nRepository = "https://github.com/A/b"\n[tool.course]\nref = "main"\n')
    notebook_header.write_repo_settings("https://github.com/you/fork", "v2", pyproject)
    assert notebook_header.read_repo_settings(pyproject) == ("https://github.com/you/fork", "v2")
    with pytest.raises(SystemExit, match="OWNER/NAME"):
        notebook_header.write_repo_settings("not a url", "v2", pyproject)


def test_every_committed_notebook_header_is_current():
    assert notebook_header.main(["--check"]) == 0


def test_apply_header_needs_a_title_first():
    with pytest.raises(SystemExit, match="markdown title"):
        notebook_header.apply_header({"cells": [{"cell_type": "code", "source": [], "metadata": {}}]}, "x", "u", "r")


def test_strip_solutions_keeps_the_signature_and_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n\nprint(f)\n"
    assert strip_solutions(source) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nprint(f)\n"


def write_notebook(path: Path, *sources: str) -> Path:
    """Write a notebook with one code cell per source to path and return path."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


def test_measure_margins_shows_the_seed_where_a_claim_fails(tmp_path, capsys):
    notebook = write_notebook(
        tmp_path / "seeded.ipynb",
        "from course_utils.claims import assert_claim, run_settings\n\nseed, train_fraction = run_settings()",
        'assert_claim("seed stays at 0", float(seed), below=0.5)',  # holds for seed 0 only
    )
    assert measure_margins.main([str(notebook), "--seeds", "0", "1", "--fractions", "1.0", "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    assert "### seeded.ipynb" in out
    assert "| seed stays at 0 | < 0.5 | 0 | 1 | -0.5 | 2/2 | NO (seed 1, fraction 1.0) |" in out
    assert out.strip().splitlines()[-1].startswith("FAILED: 1 notebook(s), 2 run(s), 0 error(s)")

    output = tmp_path / "margins.md"
    assert measure_margins.main([str(notebook), "--seeds", "0", "--fractions", "1.0", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "| seed stays at 0 | < 0.5 | 0 | 0 | 0.5 | 1/1 | yes |" in out
    assert output.read_text() == out


def test_measure_margins_reports_a_cell_error_and_a_notebook_without_claims(tmp_path, capsys):
    notebook = write_notebook(tmp_path / "broken.ipynb", "x = 1", 'raise ValueError("broken on purpose")')
    assert measure_margins.main([str(notebook), "--seeds", "0", "--fractions", "0.5"]) == 1
    out = capsys.readouterr().out
    assert "- seed 0, fraction 0.5: ValueError: broken on purpose" in out
    assert "No claims recorded" in out and "no claims in broken.ipynb" in out


def test_margin_table_takes_the_worst_grid_point_and_shows_varying_bounds():
    def run(seed, fraction, *records):
        return measure_margins.Run(Path("07_x.ipynb"), seed, fraction, records=list(records))

    def record(name, value, direction, bound):
        holds = value < bound if direction == "<" else value > bound
        return {"claim": name, "value": value, "direction": direction, "bound": bound, "holds": holds}

    runs = [
        run(0, 1.0, record("ratio", 0.80, "<", 0.95), record("gain", 2.0, ">", 1.0)),
        run(1, 0.5, record("ratio", 0.90, "<", 0.95), record("gain", 0.9, ">", 1.0)),
        run(2, 0.5, record("gain", 1.5, ">", 1.2)),  # a bound measured per run (a baseline)
    ]
    assert measure_margins.claim_rows(runs) == [
        ["ratio", "< 0.95", "0.8", "0.9", "0.05", "2/3", "yes"],
        ["gain", "> 1 to 1.2", "0.9", "2", "-0.1", "3/3", "NO (seed 1, fraction 0.5)"],
    ]
    text, ok = measure_margins.report(runs, seconds=1.0)
    assert not ok and "1 failing at some grid point" in text
    text, ok = measure_margins.report([run(0, 1.0)], seconds=1.0)
    assert not ok and "No claims recorded" in text and "no claims in 07_x.ipynb" in text


def test_measure_margins_finds_notebooks_by_prefix_and_checks_its_arguments(tmp_path, capsys):
    notebooks = measure_margins.resolve_notebooks([])
    assert notebooks and all(path.parent == measure_margins.NOTEBOOKS for path in notebooks)
    assert measure_margins.resolve_notebooks(["05", notebooks[5].name]) == [notebooks[5]]
    with pytest.raises(SystemExit, match="'0' is ambiguous"):
        measure_margins.resolve_notebooks(["0"])
    with pytest.raises(SystemExit, match="'99' matches no notebook"):
        measure_margins.resolve_notebooks(["99"])
    with pytest.raises(SystemExit, match=r"torchvision's layout, DIR/MNIST/raw/\*-ubyte\[\.gz\]; missing"):
        measure_margins.check_data_dir(tmp_path)
    for bad in (["--fractions", "0"], ["--fractions", "1.5"], ["--seeds", "-1"], ["--jobs", "0"]):
        with pytest.raises(SystemExit):
            measure_margins.parse_args(bad)
    assert "a fraction must be a number in (0, 1], got 1.5" in capsys.readouterr().err


def test_student_copy_drops_instructor_notes_and_shows_the_stub_everywhere():
    hidden = notebook_header.hide_solutions({"cells": [
        nbformat.v4.new_markdown_cell("**For instructors.** Demo this live.", metadata={"tags": ["instructor"]}),
        nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n",
                                  metadata={"tags": ["solution"]}),
    ]})
    solution = hidden["cells"][1]
    assert solution["source"][0].startswith("# @title") and solution["metadata"]["cellView"] == "form"
    assert solution["metadata"]["jupyter"]["source_hidden"] is True
    assert notebook_header.hide_solutions(hidden) == hidden  # running the tool twice changes nothing
    [stub] = student_copy(hidden)["cells"]
    assert "".join(stub["source"]) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    assert "cellView" not in stub["metadata"] and stub["metadata"]["jupyter"]["source_hidden"] is False


def test_course_runtime_table_and_readme_block(tmp_path):
    import course_runtime

    table = course_runtime.runtime_table([("00_a", 5.2, 310.0, True), ("01_b", 61.0, 900.4, False)], "data", 2)
    assert "| 00_a | 5 | 310 | passed |" in table and "| 01_b | 61 | 900 | FAILED |" in table
    assert "**66** (1.1 min)" in table
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- runtime:offline -->\nold\n<!-- /runtime -->\nend\n", encoding="utf-8")
    course_runtime.write_into_readme(table, "offline", readme)
    assert readme.read_text(encoding="utf-8") == f"intro\n<!-- runtime:offline -->\n{table}\n<!-- /runtime -->\nend\n"
    with pytest.raises(SystemExit, match="runtime:full"):
        course_runtime.write_into_readme(table, "full", readme)


def test_training_speed_benchmark_prints_its_tables_offline(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import training_speed

    status = training_speed.main(["--train-images", "1024", "--repeats", "1", "--batch-sizes", "256",
                                  "--max-epochs", "1", "--target-mse", "1.0", "--device", "cpu"])
    out = capsys.readouterr().out
    assert status == 0
    assert "| naive: torchvision MNIST + ToTensor + DataLoader | 64 |" in out
    assert "| course: InMemoryLoader + fit, batch 256 | 256 |" in out and "of the step's matmul limit" in out
    assert "| classic: batch 64, Adam 1e-3 |" in out and "cut or tiled to 1,024 images" in out
