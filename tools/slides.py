"""Slide metadata for the course notebooks, derived from their structure.

A notebook becomes a reveal.js deck (``tools/build_slides.py``) when each cell carries
``metadata.slideshow.slide_type``. Rather than setting that by hand in JupyterLab, the type follows
from what a cell is:

=====================================================  ==============  ===========================
cell                                                   slide_type      in the deck
=====================================================  ==============  ===========================
tagged ``course-header`` (Colab badge, setup cell)     ``"skip"``      left out
tagged ``solution`` (worked exercise solutions)        ``"skip"``      left out
tagged ``instructor``                                  ``"notes"``     speaker notes (press ``s``)
the title (markdown ``# ...``) and each ``## ...``     ``"slide"``     a new slide
markdown ``### ...``                                   ``"subslide"``  a slide below the last one
anything else                                          ``"-"``         continues the current slide
=====================================================  ==============  ===========================

Tags win over headings. ``slide_metadata`` is pure (it returns a copy), deterministic and idempotent:
applying it twice gives the same notebook as applying it once.
"""

from __future__ import annotations

import copy
from typing import Any

SKIP_TAGS = ("course-header", "solution")
NOTES_TAG = "instructor"


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def slide_type(cell: dict[str, Any]) -> str:
    """The reveal.js slide type of one notebook cell (see the module docstring for the rules)."""
    tags = cell.get("metadata", {}).get("tags", [])
    if any(tag in tags for tag in SKIP_TAGS):
        return "skip"
    if NOTES_TAG in tags:
        return "notes"
    if cell.get("cell_type") == "markdown":
        first_line = _source(cell).lstrip().split("\n", 1)[0]
        if first_line.startswith(("# ", "## ")):
            return "slide"
        if first_line.startswith("### "):
            return "subslide"
    return "-"


def slide_metadata(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` whose every cell has ``metadata.slideshow.slide_type`` set from its structure.

    Works on a plain dict (``json.load``) and on an ``nbformat.NotebookNode`` alike; the input is not changed.
    Other keys under ``metadata.slideshow`` are kept.
    """
    result = copy.deepcopy(notebook)
    for cell in result.get("cells", []):
        metadata = cell.setdefault("metadata", {})
        slideshow = metadata.get("slideshow")
        if not isinstance(slideshow, dict):
            slideshow = {}
        slideshow["slide_type"] = slide_type(cell)
        metadata["slideshow"] = slideshow
    return result
