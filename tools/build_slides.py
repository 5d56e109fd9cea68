"""Build a reveal.js slide deck per notebook that works offline, in a classroom without internet.

    python tools/build_slides.py                  # every notebook, executed first (offline), into build/slides/
    python tools/build_slides.py 00 03            # some notebooks, by number
    python tools/build_slides.py --no-execute     # the notebooks as committed (no outputs): fast
    python tools/build_slides.py --out DIR        # somewhere else

Each deck is ``NN_name.slides.html``, made by nbconvert's SlidesExporter with the course template
(tools/site/templates/course_slides). Cells get their slide types from ``slides.slide_metadata`` (in memory only:
the notebooks are not changed). reveal.js and MathJax are copied from ``node_modules`` (npm packages pinned in
package.json / package-lock.json, installed with ``npm ci`` when missing) into ``reveal.js/`` and ``mathjax/`` next
to the decks, and every ``<script src>`` and ``<link href>`` in a deck is relative: copy the whole folder to a USB
stick and open a deck in a browser. Press ``s`` for the speaker notes (cells tagged ``instructor``), ``Esc`` for
the overview.

The helpers here (notebook selection, npm assets, offline execution) are shared with tools/build_site.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

try:
    import fcntl
except ImportError:  # Windows: no lock (the course supports Linux and macOS)
    fcntl = None

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SITE_DIR = Path(__file__).resolve().parent / "site"
TEMPLATES = SITE_DIR / "templates"
NODE_MODULES = ROOT / "node_modules"

# What is copied next to the built pages, from each npm package (paths inside the package).
REVEAL_THEME = "white"  # its fonts are embedded in the stylesheet
REVEAL_FILES = [
    "LICENSE",
    "dist/reveal.js",
    "dist/reveal.css",
    f"dist/theme/{REVEAL_THEME}.css",
    "dist/plugin/notes.js",
]
MATHJAX_FILES = [
    "LICENSE",
    "es5/tex-chtml-full.js",  # TeX input with every extension built in, so none is fetched at run time
    "es5/output/chtml/fonts/woff-v2",  # the CommonHTML fonts, found relative to the script
    "es5/ui",  # the right-click menu's lazily loaded parts
    "es5/a11y",  # accessibility extensions the menu can switch on
    "es5/sre",  # the speech rule engine those use
]
MATHJAX_SCRIPT = "mathjax/tex-chtml-full.js"  # relative to a built page


class AssetsUnavailable(RuntimeError):
    """reveal.js / MathJax cannot be installed here (no npm and no node_modules)."""


def notebook_paths(numbers: list[str] | None = None) -> list[Path]:
    """The course notebooks, all or those whose names start with the given numbers (``"0"`` -> ``"00"``)."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not numbers:
        return paths
    chosen = []
    for number in numbers:
        prefix = number.zfill(2) + "_" if number.isdigit() else number
        matches = [path for path in paths if path.name.startswith(prefix)]
        if not matches:
            names = ", ".join(path.stem for path in paths)
            raise SystemExit(f"No notebook matches {number!r}; the notebooks are: {names}")
        chosen.extend(path for path in matches if path not in chosen)
    return chosen


def _installed_version(package: str) -> str | None:
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text()).get("version")


def _pinned_versions_installed(packages: tuple[str, ...]) -> bool:
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    return all(_installed_version(package) == wanted[package] for package in packages)


def ensure_node_modules(packages: tuple[str, ...] = ("reveal.js", "mathjax")) -> None:
    """Install the pinned npm packages with ``npm ci`` unless node_modules already has the pinned versions.

    Raises AssetsUnavailable, with a one-line reason, where npm is missing or ``npm ci`` fails (e.g. offline).
    A lock file keeps two builds (say, two test workers) from running ``npm ci`` at the same time.
    """
    if _pinned_versions_installed(packages):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsUnavailable(
            "npm not found: install Node.js (it ships npm) to get the local reveal.js and MathJax copies, "
            "then run this again (it runs `npm ci` once)"
        )
    lock_path = ROOT / "build" / ".npm-ci.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if _pinned_versions_installed(packages):  # another process installed them while we waited
            return
        print("Installing reveal.js and MathJax from package-lock.json: npm ci", file=sys.stderr)
        try:
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        except subprocess.CalledProcessError as error:
            raise AssetsUnavailable(
                f"`npm ci` failed (exit {error.returncode}): it needs the npm registry once, then works offline"
            ) from error
    if not _pinned_versions_installed(packages):
        raise AssetsUnavailable(f"npm ci did not install {', '.join(packages)} at the versions in package.json")


def _copy_files(package: str, files: list[str], strip: str, dest: Path) -> None:
    """Copy ``files`` of an npm package into ``dest`` (dropping the leading ``strip`` folder), again only when the
    package's version or the list of files has changed."""
    stamp, content = dest / ".copied", "\n".join([f"{package}@{_installed_version(package)}", *files])
    if stamp.is_file() and stamp.read_text() == content:
        return
    if dest.exists():
        shutil.rmtree(dest)
    source = NODE_MODULES / package
    for name in files:
        target = dest / (name[len(strip) :] if name.startswith(strip) else name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target)
        else:
            shutil.copy2(source / name, target)
    stamp.write_text(content)


def copy_mathjax(out: Path) -> Path:
    """Copy MathJax into ``out/mathjax`` (from node_modules, installing it first if needed)."""
    ensure_node_modules(("mathjax",))
    _copy_files("mathjax", MATHJAX_FILES, "es5/", out / "mathjax")
    return out / "mathjax"


def copy_reveal(out: Path) -> Path:
    """Copy reveal.js into ``out/reveal.js`` (its ``dist/`` layout kept)."""
    ensure_node_modules(("reveal.js",))
    _copy_files("reveal.js", REVEAL_FILES, "", out / "reveal.js")
    return out / "reveal.js"


def execute(notebook: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    """Run a notebook offline (``COURSE_OFFLINE=1``) in a fresh kernel whose working directory is notebooks/."""
    from nbconvert.preprocessors import ExecutePreprocessor

    os.environ["COURSE_OFFLINE"] = "1"  # the kernel inherits it: never try to download MNIST
    executor = ExecutePreprocessor(timeout=timeout, kernel_name="python3")
    executor.preprocess(notebook, {"metadata": {"path": str(NOTEBOOKS)}})
    return notebook


def slides_exporter():
    """nbconvert's SlidesExporter set up for the course template and the local reveal.js / MathJax copies."""
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES / "common")],
        template_name="course_slides",
        reveal_url_prefix="reveal.js",
        reveal_theme=REVEAL_THEME,
        reveal_transition="none",
        reveal_width="1200",
        reveal_height="800",
        mathjax_url=MATHJAX_SCRIPT,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_deck(path: Path, out: Path, run: bool = True, exporter=None) -> Path:
    """Write ``out/<notebook>.slides.html`` for one notebook; returns its path."""
    from slides import slide_metadata

    notebook = nbformat.read(path, as_version=4)
    if run:
        execute(notebook)
    notebook = slide_metadata(notebook)
    exporter = exporter or slides_exporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
    target = out / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NN", help="notebook numbers (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides", help="output folder")
    parser.add_argument("--no-execute", action="store_true", help="convert the notebooks as they are, unexecuted")
    args = parser.parse_args(argv)

    paths = notebook_paths(args.notebooks)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        copy_reveal(out)
        copy_mathjax(out)
    except AssetsUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    exporter = slides_exporter()
    for path in paths:
        start = time.perf_counter()
        target = build_deck(path, out, run=not args.no_execute, exporter=exporter)
        print(f"{target}  ({time.perf_counter() - start:.1f} s)")
    print(f"Open {out / paths[0].stem}.slides.html in a browser (s: speaker notes, Esc: overview).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
