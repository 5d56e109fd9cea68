"""Build the course website: one HTML page per executed notebook, plus an index of the lessons.

    python tools/build_site.py                  # every notebook, executed offline, into build/site/
    python tools/build_site.py 00 01            # some notebooks, by number
    python tools/build_site.py --no-execute     # the notebooks as committed (no outputs, no figures)
    python tools/build_site.py --out DIR        # somewhere else

Each page is made by nbconvert's HTMLExporter with the course template (tools/site/templates/course_site, which
extends nbconvert's lab template): outputs and figures included (figures as embedded PNGs), a navigation bar
(previous lesson, all lessons, next lesson) at the top and the bottom, worked solutions folded into
``<details>`` blocks, and math typeset by a local MathJax copied into ``mathjax/`` next to the pages (from the npm
package pinned in package.json, installed with ``npm ci`` when missing). Nothing is fetched from the internet when a
page is viewed: open ``build/site/index.html`` straight from disk, or serve the folder as it is.

Notebooks run offline (``COURSE_OFFLINE=1``) in a fresh kernel each, from notebooks/, as in the tests. The course
header cells (Colab badge, setup cell) are left out of the pages, and interactive widgets show their text form.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from build_slides import (
    MATHJAX_SCRIPT,
    ROOT,
    SITE_DIR,
    TEMPLATES,
    AssetsUnavailable,
    copy_mathjax,
    execute,
    notebook_paths,
)

COURSE_TITLE = "Unsupervised learning with autoencoders"
COURSE_INTRO = (
    "A hands-on course in Jupyter notebooks, from learning without labels to denoising and compression. "
    "Each lesson below is a notebook executed with its outputs and figures; worked solutions are folded away "
    "until you open them."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def lesson_title(notebook, fallback: str) -> str:
    """The text of the notebook's first level-1 heading (``# 00 · Welcome and setup``)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def lesson_summary(notebook) -> str:
    """The first sentence of the lesson's introduction, as plain text (for the index)."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown" or "course-header" in cell.metadata.get("tags", []):
            continue
        text = _source(cell).strip()
        if not text or text.startswith("#"):
            continue
        paragraph = " ".join(text.split("\n\n", 1)[0].split())
        sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
        return re.sub(r"[*_`]", "", sentence)
    return ""


def for_the_web(notebook) -> nbformat.NotebookNode:
    """The notebook as it is shown on the site: no course header cells, widgets in their text form."""
    notebook.cells = [cell for cell in notebook.cells if "course-header" not in cell.metadata.get("tags", [])]
    notebook.metadata.pop("widgets", None)  # the widget state would need the widget manager from a CDN
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                data.setdefault("text/plain", "(interactive widget: run the notebook in JupyterLab to use it)")
    return notebook


def page_name(path: Path) -> str:
    return f"{path.stem}.html"


def site_exporter():
    """nbconvert's HTMLExporter set up for the course site template and the local MathJax copy."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES / "common")],
        template_name="course_site",
        mathjax_url=MATHJAX_SCRIPT,
        require_js_url="",
        jquery_url="",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_page(path: Path, out: Path, lessons: list[dict], run: bool = True, exporter=None) -> Path:
    """Write ``out/<notebook>.html`` for one notebook, with links to its neighbours in ``lessons``."""
    notebook = nbformat.read(path, as_version=4)
    if run:
        execute(notebook)
    notebook = for_the_web(notebook)
    position = next(i for i, lesson in enumerate(lessons) if lesson["href"] == page_name(path))
    course = {
        "index_href": "index.html",
        "css_href": "course.css",
        "prev": lessons[position - 1] if position > 0 else None,
        "next": lessons[position + 1] if position + 1 < len(lessons) else None,
    }
    notebook.metadata["title"] = lessons[position]["title"]
    exporter = exporter or site_exporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}, "course": course})
    target = out / page_name(path)
    target.write_text(body, encoding="utf-8")
    return target


def write_index(out: Path, lessons: list[dict]) -> Path:
    """``out/index.html``: every lesson with its first sentence; lessons not built yet are listed without a link."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(SITE_DIR), autoescape=False)
    for lesson in lessons:
        lesson["built"] = (out / lesson["href"]).is_file()
    html = environment.get_template("index.html.j2").render(
        title=COURSE_TITLE, intro=COURSE_INTRO, lessons=lessons, mathjax_url=MATHJAX_SCRIPT
    )
    target = out / "index.html"
    target.write_text(html, encoding="utf-8")
    return target


def course_lessons() -> list[dict]:
    """Title, summary, page name and number of every notebook of the course, in order."""
    lessons = []
    for path in notebook_paths():
        notebook = nbformat.read(path, as_version=4)
        lessons.append(
            {
                "number": path.name[:2],
                "href": page_name(path),
                "title": lesson_title(notebook, path.stem),
                "summary": lesson_summary(notebook),
            }
        )
    return lessons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NN", help="notebook numbers (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="output folder")
    parser.add_argument("--no-execute", action="store_true", help="convert the notebooks as they are, unexecuted")
    args = parser.parse_args(argv)

    paths = notebook_paths(args.notebooks)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        copy_mathjax(out)
    except AssetsUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    shutil.copy2(SITE_DIR / "course.css", out / "course.css")
    lessons = course_lessons()
    exporter = site_exporter()
    for path in paths:
        start = time.perf_counter()
        target = build_page(path, out, lessons, run=not args.no_execute, exporter=exporter)
        print(f"{target}  ({time.perf_counter() - start:.1f} s)")
    index = write_index(out, lessons)
    print(f"Open {index} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
