"""Tests for the maintainer tools: the notebook header writer and the student-copy maker."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import notebook_header  # noqa: E402
from make_student_copies import strip_solutions  # noqa: E402


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
