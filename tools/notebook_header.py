"""Write the shared header (Colab badge + setup cell) into every notebook, for this repository or a fork.

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

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
NOTEBOOKS = ROOT / "notebooks"
HEADER_TAG = "course-header"
URL_PATTERN = re.compile(r'^(Repository\s*=\s*")([^"]*)(")', re.M)
REF_PATTERN = re.compile(r'^(ref\s*=\s*")([^"]*)(")', re.M)
PLACEHOLDER_OWNER = "YOUR-GITHUB-USER"


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
        f'    %pip install --quiet "course_utils @ git+{repo}@{ref}"',
    ]
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
        updated = render(apply_header(json.loads(text), path.name, repo, ref))
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
