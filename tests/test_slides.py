"""Slides: the slide types derived from a notebook's structure, and an offline reveal.js deck built for notebook 00.

The deck is built without executing the notebook (fast); it must load every script and stylesheet from the local
reveal.js and MathJax copies next to it, never from the internet. Skipped, with the reason, where neither npm nor
an installed node_modules is available (with COURSE_REQUIRE_SITE_TOOLS=1, for CI, that fails instead).
"""

import copy
import json
import os
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_slides  # noqa: E402
from slides import slide_metadata, slide_type  # noqa: E402

NOTEBOOK_00 = ROOT / "notebooks" / "00_welcome_and_setup.ipynb"


def _markdown(text, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)} if tags else {}, "source": text}


def _code(text, tags=()):
    metadata = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "metadata": metadata, "source": text, "outputs": [], "execution_count": None}


def _types(notebook):
    return [cell["metadata"]["slideshow"]["slide_type"] for cell in notebook["cells"]]


NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        _markdown("# 03 · The decoder"),
        _markdown("[![Open In Colab](badge.svg)](link)", tags=["course-header"]),
        _code("import sys", tags=["course-header"]),
        _markdown("Intro text."),
        _markdown("## 1. A section\n\nText."),
        _code("x = 1"),
        _markdown(["### Exercise 1\n", "Do this."]),
        _code("def f(): ...", tags=["solution"]),
        _markdown("Ask the room first.", tags=["instructor"]),
        _markdown("#### A small heading stays on its slide"),
        _markdown("  ## indented heading"),
        _code("## a comment in code is not a heading"),
    ],
}


def test_slide_types_follow_structure():
    assert _types(slide_metadata(NOTEBOOK)) == [
        "slide",  # the title
        "skip",  # course header (badge)
        "skip",  # course header (setup code)
        "-",
        "slide",  # ##
        "-",
        "subslide",  # ### (source as a list of lines, as on disk)
        "skip",  # solution
        "notes",  # instructor
        "-",  # ####
        "slide",
        "-",  # code, even if it starts with ##
    ]


def test_slide_metadata_is_pure_deterministic_and_idempotent():
    original = copy.deepcopy(NOTEBOOK)
    once = slide_metadata(NOTEBOOK)
    assert NOTEBOOK == original, "the input notebook must not change"
    assert slide_metadata(NOTEBOOK) == once
    assert slide_metadata(once) == once
    assert json.dumps(once, sort_keys=True) == json.dumps(slide_metadata(once), sort_keys=True)


def test_tags_win_over_headings_and_other_slideshow_keys_are_kept():
    cell = _markdown("## Solution walk-through", tags=["solution"])
    assert slide_type(cell) == "skip"
    cell = _markdown("## For the teacher", tags=["instructor"])
    assert slide_type(cell) == "notes"
    notebook = {"cells": [{"cell_type": "code", "metadata": {"slideshow": {"slide_type": "fragment", "x": 1}}}]}
    assert slide_metadata(notebook)["cells"][0]["metadata"]["slideshow"] == {"slide_type": "-", "x": 1}


def test_slide_metadata_on_a_real_notebook_node():
    notebook = nbformat.read(NOTEBOOK_00, as_version=4)
    before = nbformat.writes(notebook)
    result = slide_metadata(notebook)
    assert nbformat.writes(notebook) == before
    types = _types(result)
    assert types[0] == "slide" and types.count("slide") >= 3
    for cell, kind in zip(result.cells, types):
        if {"course-header", "solution"} & set(cell.metadata.get("tags", [])):
            assert kind == "skip"
    nbformat.validate(result)


class _Assets(HTMLParser):
    """Every script src, stylesheet/link href and image src in a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.links, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


def test_offline_deck_for_notebook_00(tmp_path):
    try:
        build_slides.ensure_node_modules()
    except build_slides.AssetsUnavailable as error:
        if os.environ.get("COURSE_REQUIRE_SITE_TOOLS") == "1":
            pytest.fail(str(error))
        pytest.skip(str(error))

    assert build_slides.main(["00", "--no-execute", "--out", str(tmp_path)]) == 0
    deck = tmp_path / "00_welcome_and_setup.slides.html"
    assert deck.is_file()
    html = deck.read_text(encoding="utf-8")
    assets = _Assets()
    assets.feed(html)

    assert assets.scripts and assets.links
    for url in assets.scripts + assets.links + assets.images:
        assert "://" not in url and not url.startswith("//"), f"remote asset in the deck: {url}"
    for url in assets.scripts + assets.links:
        assert not url.startswith("/"), f"absolute path in the deck: {url}"
        assert (tmp_path / url).is_file(), f"the deck references {url}, which is not next to it"
    assert "reveal.js/dist/reveal.js" in assets.scripts
    assert "reveal.js/dist/theme/white.css" in assets.links
    assert build_slides.MATHJAX_SCRIPT in assets.scripts
    assert (tmp_path / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()

    # The slide structure made it into the deck: sections, and no course header or solution code.
    assert html.count("<section") >= 6
    assert "colab-badge" not in html
    assert "BEGIN SOLUTION" not in html


def test_deck_keeps_speaker_notes_and_leaves_out_skipped_cells(tmp_path):
    notebook = nbformat.from_dict(copy.deepcopy(NOTEBOOK))
    for cell in notebook.cells:
        cell.setdefault("id", f"cell-{notebook.cells.index(cell)}")
    path = tmp_path / "03_tiny.ipynb"
    nbformat.write(notebook, path)
    deck = build_slides.build_deck(path, tmp_path, run=False).read_text(encoding="utf-8")
    notes = deck.split('<aside class="notes">', 1)
    assert len(notes) == 2 and "Ask the room first." in notes[1].split("</aside>", 1)[0]
    assert "def f(): ..." not in deck and "badge.svg" not in deck
    assert deck.count("<section") >= 4
