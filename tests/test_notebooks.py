"""Structure tests for every notebook (nbval runs them; these check their shape and hygiene)."""

import ast
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_student_copies import student_copy  # noqa: E402
from notebook_header import COLAB_TITLE_PREFIX, HEADER_TAG, course_structure, read_repo_settings  # noqa: E402

import course_utils  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_course_has_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_welcome_and_setup.ipynb"


@pytest.fixture(params=NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def notebook(request):
    """Yield (path, notebook dict) for each course notebook."""
    path = request.param
    return path, json.loads(path.read_text(encoding="utf-8"))


def text_of(cells, cell_type=None):
    """Return the joined source of the cells (of one type, if given)."""
    return "\n".join("".join(c["source"]) for c in cells if cell_type in (None, c["cell_type"]))


def test_is_valid_and_committed_without_outputs(notebook):
    path, nb = notebook
    nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs; "
                       f"run `jupyter nbconvert --clear-output --inplace {path}`")


def test_carries_the_shared_header(notebook):
    path, nb = notebook
    repo, ref = read_repo_settings()
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(nb["cells"][0]["source"]).startswith(
        f"# {path.name[:2]} · ")
    assert course_structure(nb, path.name, repo, ref)["cells"] == nb["cells"], (
        f"{path.name}: header is stale; run `python tools/notebook_header.py`")
    assert [c["id"] for c in nb["cells"][1:3]] == ["course-header-badge", "course-header-setup"]
    assert sum(HEADER_TAG in c["metadata"].get("tags", []) for c in nb["cells"]) == 2


def test_has_the_course_shape(notebook):
    path, nb = notebook
    markdown = text_of(nb["cells"], "markdown")
    for heading in ("Learning objectives", "Runtime", "Summary", "Exercise"):
        assert heading.lower() in markdown.lower(), f"{path.name} has no '{heading}' section"
    number = int(path.name[:2])
    following = sorted((ROOT / "notebooks").glob(f"{number + 1:02d}_*.ipynb"))
    if following:
        assert f"]({following[0].name})" in markdown, f"{path.name} does not link to {following[0].name}"


def test_exercises_have_collapsed_marked_solutions_and_a_self_check(notebook):
    path, nb = notebook
    solutions = [i for i, c in enumerate(nb["cells"]) if "solution" in c["metadata"].get("tags", [])]
    assert 2 <= len(solutions) <= 4, f"{path.name} has {len(solutions)} solution cells, expected 2-4"
    for index in solutions:
        cell = nb["cells"][index]
        source = "".join(cell["source"])
        assert cell["cell_type"] == "code" and cell["metadata"].get("jupyter", {}).get("source_hidden") is True
        # Colab ignores source_hidden: there a form (title line + cellView "form") hides the code.
        assert source.startswith(COLAB_TITLE_PREFIX) and cell["metadata"].get("cellView") == "form", (
            f"{path.name}: solution cell {index} is visible in Colab; run `python tools/notebook_header.py`")
        assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION") >= 1
        checks = text_of(nb["cells"][index + 1 : index + 3], "code")
        assert "check_" in checks, f"{path.name}: the solution in cell {index} is not followed by a self-check"


def test_student_copies_hide_every_solution_and_still_parse(notebook):
    path, nb = notebook
    for cell in student_copy(nb)["cells"]:
        source = "".join(cell["source"])
        assert "### BEGIN SOLUTION" not in source
        assert "instructor" not in cell["metadata"].get("tags", []), f"{path.name}: an instructor note reached students"
        assert not source.startswith(COLAB_TITLE_PREFIX) and "cellView" not in cell["metadata"]
        if cell["cell_type"] == "code" and "NotImplementedError" in source:
            ast.parse(re.sub(r"^\s*[%!].*$", "", source, flags=re.M))


def test_no_machine_paths(notebook):
    path, nb = notebook
    assert not re.search(r"(/home/|/root/|/work/|C:\\\\Users)", text_of(nb["cells"])), path.name


def public_names(modules: list[Path] | None = None) -> set[str]:
    """Return the names of every public function and class defined in the modules (default: all of course_utils)."""
    names = set()
    for module in (ROOT / "course_utils").rglob("*.py") if modules is None else modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")}
    return names


def test_package_exports_every_public_helper_but_the_checks():
    from course_utils import checks

    package = ROOT / "course_utils"
    exercise_checks = public_names(sorted(package.glob("checks/*.py")))  # imported from course_utils.checks instead
    assert {name for name in exercise_checks if name.startswith("check_")} | {"ExerciseError"} <= set(checks.__all__)
    internal = public_names(sorted(package.glob("_*.py")))  # private modules (_validation): not part of the interface
    not_exported = {"read_idx", "download_mnist", "data_dir", "MNISTFileError", "MNISTDownloadError", "CheckpointError"}
    assert public_names() - exercise_checks - internal - not_exported <= set(course_utils.__all__)


def test_later_notebooks_import_instead_of_redefining(notebook):
    path, nb = notebook
    if int(path.name[:2]) <= 5:
        return  # notebooks 00-05 teach the building blocks inline
    defined = set(re.findall(r"^(?:def|class)\s+(\w+)", text_of(nb["cells"], "code"), re.M))
    assert not defined & public_names(), f"{path.name} redefines {defined & public_names()}"


def test_reads_the_run_settings_and_states_outcomes_as_claims(notebook):
    path, nb = notebook
    code = text_of(nb["cells"], "code")
    assert "run_settings()" in code and "seed_everything(seed)" in code, (
        f"{path.name}: seed with `seed, train_fraction = run_settings()` and `seed_everything(seed)`")
    assert not re.search(r"seed_everything\(\d+\)", code), f"{path.name}: a fixed seed ignores COURSE_SEED"
    if int(path.name[:2]) >= 1 and 'load_mnist("train"' in code:
        assert 'load_mnist("train", fraction=train_fraction' in code, (
            f"{path.name}: load the training images with fraction=train_fraction")
    assert "assert_claim(" in code, f"{path.name}: state its learning outcomes with assert_claim"


FIGURE_HELPERS = r"(show_images|show_reconstructions|show_image_rows|plot_history|plot_codes_2d)\("


def test_shows_each_figure_one_way(notebook):
    """A Figure left as a cell's last expression is displayed twice; cells end with plt.show() instead."""
    path, nb = notebook
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        assert not re.match(FIGURE_HELPERS, last) and last.strip() != "fig.tight_layout()", (
            f"{path.name}, cell {index}: end the cell with plt.show(), not {last.strip()!r}")
