"""The rendered site as a reader meets it, in a real browser (`make browser`, part of `make test`).

For every chapter page: it loads with no console errors, every image is loaded, every
internal link resolves, the hidden solutions open and close; the search page finds a
term of chapter 5. A screenshot of each chapter goes to _build/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from .conftest import ROOT, SCREENSHOTS, SITE, load_page

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page(page, site_url, chapter):
    url = f"{site_url}/notebooks/{chapter}.html"
    errors = load_page(page, url)
    assert not errors, f"{chapter}: {errors}"
    assert page.locator("h1").first.inner_text().strip()

    images = page.eval_on_selector_all(
        "main img", "imgs => imgs.map(i => [i.currentSrc, i.complete, i.naturalWidth])"
    )
    broken = [src for src, complete, width in images if not (complete and width > 0)]
    assert not broken, f"{chapter}: images not loaded: {broken}"
    alts = page.eval_on_selector_all(
        "main .cell_output img", "imgs => imgs.map(i => i.alt.trim())"
    )
    assert all(alts), f"{chapter}: a figure without alt text"

    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    for href in hrefs:
        target, _ = urldefrag(urljoin(url, href))
        parsed = urlparse(target)
        if parsed.netloc != urlparse(site_url).netloc:
            continue  # external links are not followed offline
        path = SITE / parsed.path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        assert path.exists(), f"{chapter}: broken internal link {href}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{chapter}.png"), full_page=True)


@pytest.mark.parametrize(
    "chapter",
    [c for c in CHAPTERS if not c.startswith("00")],
)
def test_solutions_toggle(page, site_url, chapter):
    load_page(page, f"{site_url}/notebooks/{chapter}.html")
    hidden = page.locator("div.tag_hide-input details.hide")
    assert hidden.count() >= 1, f"{chapter}: no hidden solution code"
    first = hidden.first
    summary = first.locator("summary")
    assert first.get_attribute("open") is None
    summary.click()
    assert first.evaluate("d => d.open")
    summary.click()
    assert not first.evaluate("d => d.open")

    dropdown = page.locator("div.dropdown.admonition").first
    body = dropdown.locator("p:not(.admonition-title)").first
    assert not body.is_visible()
    dropdown.locator("button.toggle-button").click()
    body.wait_for(state="visible")
    dropdown.locator("button.toggle-button").click()
    body.wait_for(state="hidden")


def test_search_finds_chapter_5(page, site_url):
    errors = load_page(page, f"{site_url}/search.html?q=attention+entropy")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    links = page.eval_on_selector_all(
        "#search-results li a", "as => as.map(a => a.href)"
    )
    assert any("05_gat_cell_types" in link for link in links), links
    assert not errors, errors


def test_screenshots_written():
    shots = {p.stem for p in Path(SCREENSHOTS).glob("*.png")}
    assert set(CHAPTERS) <= shots
