"""The notebooks' setup cell as Colab runs it: a stub `google.colab` module makes the cell take its Colab branch.

A throwaway git repository holding the package stands in for the course's GitHub repository
(`git+file://` instead of `git+https://`); pip runs in dry-run mode against this test environment,
which already has torch, torchvision and NumPy, like Colab. Nothing is installed and nothing is downloaded.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from notebook_header import PLACEHOLDER_OWNER, header_cells, read_repo_settings  # noqa: E402

STUB_COLAB = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"


def run_setup_cell(repo: str, ref: str, env: dict[str, str] | None = None) -> list[dict]:
    """Run the setup cell for repo@ref in a fresh kernel that looks like Colab; return the cell's outputs."""
    setup = header_cells("00_welcome_and_setup.ipynb", repo, ref)[1]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STUB_COLAB),
                                               nbformat.v4.new_code_cell("".join(setup["source"]))])
    client = NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True)
    executed = client.execute(env={**os.environ, **(env or {})})
    return executed.cells[1].outputs


def test_the_placeholder_url_stops_on_colab_with_one_line_saying_how_to_fix_it():
    repo, ref = read_repo_settings()
    placeholder = repo if PLACEHOLDER_OWNER in repo else f"https://github.com/{PLACEHOLDER_OWNER}/autoencoders-course"
    outputs = run_setup_cell(placeholder, ref)
    errors = [output for output in outputs if output["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "SystemExit", outputs
    message = errors[0]["evalue"]
    assert "placeholder repository" in message and "tools/notebook_header.py --repo" in message
    assert "pip" not in json.dumps(outputs).lower(), "pip must not run for the placeholder URL"


def git(*args: str, cwd: Path) -> str:
    """Run git with a throwaway identity in cwd; return its output."""
    command = ["git", "-c", "user.name=course", "-c", "user.email=course@example.org", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_with_a_real_url_the_setup_cell_installs_only_course_utils(tmp_path):
    repository = tmp_path / "autoencoders-course"
    repository.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repository / name)
    shutil.copytree(ROOT / "course_utils", repository / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    git("init", "--quiet", cwd=repository)
    git("add", ".", cwd=repository)
    git("commit", "--quiet", "-m", "snapshot", cwd=repository)
    commit = git("rev-parse", "HEAD", cwd=repository)
    report = tmp_path / "pip-report.json"
    # pip reads options from PIP_* variables: a dry run that writes its plan to report, using only what is
    # installed (no index). PIP_NO_BUILD_ISOLATION=0 means "no build isolation" (pip's inverted spelling).
    env = {"PIP_DRY_RUN": "1", "PIP_REPORT": str(report), "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"}
    outputs = run_setup_cell(repository.as_uri(), commit, env=env)
    assert not [output for output in outputs if output["output_type"] == "error"], outputs
    planned = [item["metadata"]["name"] for item in json.loads(report.read_text())["install"]]
    assert planned == ["course_utils"], f"Colab would also install {planned}: its torch/NumPy must be left alone"
