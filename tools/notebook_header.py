"""Write what every notebook shares (Colab badge, setup cell, hidden solutions, slide types), for a repository.

Solution cells (tagged `solution`) are collapsed in JupyterLab and Notebook 7 (`source_hidden`) and shown
as a titled form in Colab (`# @title` first line, `cellView: form`), so the answer is never in plain sight.
While the repository URL is the placeholder, the setup cell stops on Colab with one line saying how to fix it.
Every cell's slide type follows from its structure (tools/slides.py), so a lesson can be presented from the notebook.

The repository URL and git ref live in one place, pyproject.toml ([project.urls] Repository and
[tool.course] ref). Usage, from the repository root:

    python tools/notebook_header.py                                     # refresh every notebook's header
    python tools/notebook_header.py --repo https://github.com/you/fork --ref v1.0   # retarget a fork
    python tools/notebook_header.py --check                             # exit 1 if a header is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slides import slide_metadata  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
NOTEBOOKS = ROOT / "notebooks"
HEADER_TAG = "course-header"
URL_PATTERN = re.compile(r'^(Repository\s*=\s*")([^"]*)(")', re.M)
REF_PATTERN = re.compile(r'^(ref\s*=\s*")([^"]*)(")', re.M)
PLACEHOLDER_OWNER = "YOUR-GITHUB-USER"
SOLUTION_TAG = "solution"
COLAB_TITLE_PREFIX = "# @title"
SOLUTION_TITLE = "# @title Solution (try the exercise first; double-click to show the code)"


def read_repo_settings(pyproject: Path = PYPROJECT) -> tuple[str, str]:
    """Return (repository URL, git ref) from pyproject.toml."""
    text = pyproject.read_text(encoding="utf-8")
    url, ref = URL_PATTERN.search(text), REF_PATTERN.search(text)
    if url is None or ref is None:
        raise SystemExit(f"{pyproject} needs `Repository = \"...\"` under [project.urls] and `ref = \"...\"` "
                         "under [tool.course].")
    return url.group(2), ref.group(2)


def write_repo_settings(repo: str, ref: str, pyproject: Path = PYPROJECT) -> None:
    """Store the repository URL and git ref in pyproject.toml; returns None."""
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo):
        raise SystemExit(f"--repo must look like https://github.com/OWNER/NAME, got {repo!r}.")
    text = pyproject.read_text(encoding="utf-8")
    text = URL_PATTERN.sub(lambda m: m.group(1) + repo + m.group(3), text)
    text = REF_PATTERN.sub(lambda m: m.group(1) + ref + m.group(3), text)
    pyproject.write_text(text, encoding="utf-8")


def header_cells(notebook_name: str, repo: str, ref: str) -> list[dict]:
    """Return the two header cells (Colab badge, setup code) for a notebook file name."""
    owner_and_name = repo.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{owner_and_name}/blob/{ref}/notebooks/{notebook_name}"
    badge = f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})"
    setup = [
        "# Setup, the same in every notebook. On Colab it installs course_utils from the course\n",
        "# repository and keeps Colab's own torch; locally, `make lab` has installed everything.\n",
        "import sys\n",
        "\n",
        'if "google.colab" in sys.modules:\n',
    ]
    if PLACEHOLDER_OWNER in repo:
        # Installing from the placeholder URL would end in a pip traceback: say what is missing instead.
        setup += [
            "    raise SystemExit(\n",
            '        "This copy of the course points at the placeholder repository "\n',
            f'        "{repo}, so Colab cannot install course_utils. "\n',
            '        "Fix: fork the course, run `python tools/notebook_header.py --repo "\n',
            '        "https://github.com/YOU/FORK --ref main`, push, and open the notebooks from your fork."\n',
            "    )",
        ]
    else:
        setup.append(f'    %pip install --quiet "course_utils @ git+{repo}@{ref}"')
    return [
        {"cell_type": "markdown", "id": "course-header-badge", "metadata": {"tags": [HEADER_TAG]},
         "source": [badge]},
        {"cell_type": "code", "execution_count": None, "id": "course-header-setup",
         "metadata": {"tags": [HEADER_TAG]}, "outputs": [], "source": setup},
    ]


def apply_header(notebook: dict, notebook_name: str, repo: str, ref: str) -> dict:
    """Return the notebook with its header cells (after the title cell) replaced by fresh ones."""
    cells = [cell for cell in notebook["cells"] if HEADER_TAG not in cell.get("metadata", {}).get("tags", [])]
    if not cells or cells[0]["cell_type"] != "markdown" or not "".join(cells[0]["source"]).startswith("# "):
        raise SystemExit(f"{notebook_name}: the first cell must be a markdown title starting with '# '.")
    return {**notebook, "cells": [cells[0], *header_cells(notebook_name, repo, ref), *cells[1:]]}


def hide_solutions(notebook: dict) -> dict:
    """Return the notebook with every solution cell collapsed in JupyterLab, Notebook 7 and Colab alike."""
    cells = []
    for cell in notebook["cells"]:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            lines = "".join(cell["source"]).splitlines(keepends=True)
            if lines and lines[0].startswith(COLAB_TITLE_PREFIX):
                lines = lines[1:]
            # Colab shows only a form's title (cellView "form"); Jupyter hides the source (source_hidden).
            metadata = {**cell["metadata"], "cellView": "form",
                        "jupyter": {**cell["metadata"].get("jupyter", {}), "source_hidden": True}}
            cell = {**cell, "metadata": metadata, "source": [SOLUTION_TITLE + "\n", *lines]}
        cells.append(cell)
    return {**notebook, "cells": cells}


def course_structure(notebook: dict, notebook_name: str, repo: str, ref: str) -> dict:
    """Return the notebook with everything this tool derives: header cells, hidden solutions, slide types."""
    return slide_metadata(hide_solutions(apply_header(notebook, notebook_name, repo, ref)))


def render(notebook: dict) -> str:
    """Return the notebook serialised the way Jupyter writes it (1-space indent, trailing newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Refresh or check every notebook's header; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", help="public GitHub URL of the course, e.g. https://github.com/you/autoencoders")
    parser.add_argument("--ref", help="branch or tag that Colab installs course_utils from, e.g. v1.0")
    parser.add_argument("--check", action="store_true", help="only report notebooks whose header is stale")
    args = parser.parse_args(argv)
    if args.repo or args.ref:
        current_repo, current_ref = read_repo_settings()
        write_repo_settings(args.repo or current_repo, args.ref or current_ref)
    repo, ref = read_repo_settings()
    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        text = path.read_text(encoding="utf-8")
        updated = render(course_structure(json.loads(text), path.name, repo, ref))
        if updated != text:
            stale.append(path.name)
            if not args.check:
                path.write_text(updated, encoding="utf-8")
    if args.check and stale:
        print("Stale headers in: " + ", ".join(stale) + ". Run: python tools/notebook_header.py")
        return 1
    print(f"{'Checked' if args.check else 'Wrote'} headers for {repo} @ {ref}"
          + (f" ({len(stale)} notebook(s) updated)" if stale and not args.check else ""))
    if PLACEHOLDER_OWNER in repo:
        print(f"Note: the repository URL is still the placeholder ({repo}); Colab installs need the real one.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
