"""Tests for the project's set-up files: the environments agree, CI runs the README's test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def pinned(lines: list[str], pattern: str) -> dict[str, str]:
    """Return {package: version} for the lines that match pattern (groups: name, version)."""
    return {m.group(1).lower(): m.group(2) for line in lines if (m := re.match(pattern, line.strip()))}


def test_environment_yml_lists_the_same_packages_and_versions_as_requirements():
    requirements = pinned((ROOT / "requirements.txt").read_text().splitlines(), r"^([\w.-]+)==([\w.+-]+)$")
    environment = (ROOT / "environment.yml").read_text().splitlines()
    conda = pinned(environment, r"^- ([\w.-]+)=([\w.+-]+)$")
    conda = {CONDA_NAMES.get(name, name): version for name, version in conda.items()}
    conda |= pinned(environment, r"^- ([\w.-]+)==([\w.+-]+)(?:\s+#.*)?$")  # the pip: section (PyPI-only packages)
    assert requirements and conda == requirements
    assert "-e ." in (ROOT / "environment.yml").read_text()


def test_course_utils_keeps_loose_lower_bounds_so_colab_keeps_its_torch():
    text = (ROOT / "pyproject.toml").read_text()
    dependencies = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    assert '"torch>=' in dependencies and "==" not in dependencies


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make lab" in quick_start and "make test" in quick_start


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"notebooks/{path.name}" in readme, f"README's notebook table is missing {path.name}"
