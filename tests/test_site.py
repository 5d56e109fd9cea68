"""The course website, checked in a real headless browser: build the page of notebook 00 (executed offline) and
open it from disk in Debian's chromium, driven by Playwright (no browser download: ``executable_path``).

The browser must find the figures, the math typeset by the local MathJax, the lesson navigation and a folded
solution, and the page must not request anything outside the site's folder. A screenshot is saved as
build/site/screenshot_00.png. COURSE_CHROMIUM=/path/to/browser picks another Chromium-based browser.

Skipped, with the reason, where chromium, Playwright or npm (for MathJax) is missing; with
COURSE_REQUIRE_SITE_TOOLS=1 (for CI, which installs them) a missing tool fails the test instead.
"""

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
from build_slides import AssetsUnavailable, ensure_node_modules  # noqa: E402

OUT = ROOT / "build" / "site"
PAGE = "00_welcome_and_setup.html"


def _missing(reason: str):
    if os.environ.get("COURSE_REQUIRE_SITE_TOOLS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _chromium() -> str:
    """Debian's chromium, or the Chromium/Chrome binary named by COURSE_CHROMIUM (macOS: inside the .app)."""
    if os.environ.get("COURSE_CHROMIUM"):
        return os.environ["COURSE_CHROMIUM"]
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    _missing("chromium not found (Debian/Ubuntu: apt-get install chromium; or set COURSE_CHROMIUM=/path/to/chromium)")


def test_lesson_page_in_headless_chromium():
    chromium = _chromium()
    try:
        from playwright import sync_api
    except ImportError:
        _missing("Playwright not installed (pip install -r requirements.txt)")
    try:
        ensure_node_modules(("mathjax",))
    except AssetsUnavailable as error:
        _missing(str(error))

    assert build_site.main(["00", "--out", str(OUT)]) == 0
    page_path = OUT / PAGE
    assert page_path.is_file() and (OUT / "index.html").is_file()

    requests, failed, errors = [], [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000)
            page.evaluate("() => MathJax.startup.promise")  # resolves once the page is typeset

            figures = page.evaluate(
                "() => Array.from(document.images).filter(img => img.complete && img.naturalWidth > 0).length"
            )
            math = page.locator("mjx-container").count()
            math_errors = page.locator("mjx-merror").count()
            nav = page.locator("nav.course-nav").first
            index_href = nav.locator("a.course-nav-index").get_attribute("href")
            next_href = nav.locator("a.course-nav-next").get_attribute("href")
            solutions = page.locator("details.course-solution")
            solution_count = solutions.count()
            open_solutions = page.locator("details.course-solution[open]").count()
            page.screenshot(path=str(OUT / "screenshot_00.png"))

            page.click("nav.course-nav-top a.course-nav-index")  # the navigation really leads to the index
            page.wait_for_load_state("load")
            index_url = page.url
            lessons_listed = page.locator("body.course-index li").count()
            back_links = page.locator(f'body.course-index a[href="{PAGE}"]').count()
        finally:
            browser.close()

    assert figures >= 1, "no figure rendered on the page"
    assert math >= 1, "MathJax typeset no math"
    assert math_errors == 0, f"{math_errors} math expressions failed to typeset"
    assert index_href == "index.html"
    assert next_href == "01_unsupervised_learning.html"
    assert index_url.endswith("/index.html") and back_links == 1
    assert lessons_listed == len(build_site.notebook_paths()), "the index must list every lesson"
    assert solution_count >= 1 and open_solutions == 0, "solutions must be folded <details> blocks"
    remote = [url for url in requests if not url.startswith(("file://", "data:"))]
    assert not remote, f"the page requested remote URLs: {remote}"
    assert not failed, f"requests that failed (missing local files?): {failed}"
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert (OUT / "screenshot_00.png").stat().st_size > 10_000


def test_pages_leave_out_the_course_header_and_show_widgets_as_text():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 06 · Exploring\n\nText", metadata={}),
            nbformat.v4.new_markdown_cell(
                "[![Open In Colab](https://x/badge.svg)](https://x)", metadata={"tags": ["course-header"]}
            ),
            nbformat.v4.new_markdown_cell("An *autoencoder* learns `codes`. Then more.\n\nSecond paragraph."),
            nbformat.v4.new_code_cell(
                "sliders",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={build_site.WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "FloatSlider()"},
                    )
                ],
            ),
        ]
    )
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    assert build_site.lesson_title(notebook, "fallback") == "06 · Exploring"
    assert build_site.lesson_summary(notebook) == "An autoencoder learns codes."
    page = build_site.for_the_web(notebook)
    assert [cell.source[:1] for cell in page.cells] == ["#", "A", "s"]
    assert "widgets" not in page.metadata
    assert page.cells[2].outputs[0].data == {"text/plain": "FloatSlider()"}
