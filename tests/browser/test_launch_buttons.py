"""Launch buttons and repository links on the rendered chapters (`make browser`).

The address of the repository is found when the site is built (book/_ext/
repository_links.py). Two checks: the site `make book` built here carries exactly the
buttons its build found an address for (none without one: never Jupyter Book's own
repository); and a site built with an address and a JupyterHub has, on every chapter, a
launch menu that opens in Chromium with Binder, JupyterHub and Colab links to that
chapter's notebook, and the repository, edit and issue links.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SCREENSHOTS, load_page, serve

CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
# test input, not the course's address (which is found at build time)
REPO = "https://github.com/test-owner/test-course"
HUB = "https://hub.uni.test"

_spec = importlib.util.spec_from_file_location(
    "repository_links", ROOT / "book" / "_ext" / "repository_links.py"
)
links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(links)


def _hrefs(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "as => as.map(a => a.href)")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_built_site_buttons_match_its_repository(page, site_url, chapter):
    expected = links.repository_url(os.environ, links._origin(str(ROOT)))
    page.goto(f"{site_url}/notebooks/{chapter}.html")
    launch = _hrefs(page, ".dropdown-launch-buttons a")
    source = _hrefs(page, ".dropdown-source-buttons a")
    if expected is None:
        assert launch == [] and source == [], (launch, source)
    else:
        assert launch and source
        assert all(expected.split("://")[1] in h for h in launch + source)


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    """The site built with a repository address and a JupyterHub, served locally."""
    out = tmp_path_factory.mktemp("linked")
    env = dict(
        os.environ,
        COURSE_REPOSITORY_URL=REPO,
        COURSE_JUPYTERHUB_URL=HUB,
        COURSE_REPOSITORY_BRANCH="main",
    )
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"repository and launch buttons: {REPO}" in done.stdout
    with serve(out / "_build" / "html") as url:
        yield url


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_launch_buttons_open_the_chapter(page, linked_site, chapter):
    errors = load_page(page, f"{linked_site}/notebooks/{chapter}.html")
    notebook = f"notebooks/{chapter}.ipynb"
    menu = page.locator(".dropdown-launch-buttons .dropdown-menu")
    assert not menu.is_visible()
    page.get_by_role("button", name="Launch interactive content").click()
    menu.wait_for(state="visible")
    items = {
        a.inner_text().strip(): a.get_attribute("href")
        for a in menu.locator("a.dropdown-item").all()
    }
    assert items == {
        "Binder": f"https://mybinder.org/v2/gh/test-owner/test-course/main"
        f"?urlpath=lab/tree/{notebook}",
        "JupyterHub": f"{HUB}/hub/user-redirect/git-pull?repo=https%3A//github.com/"
        f"test-owner/test-course&urlpath=lab/tree/test-course/{notebook}&branch=main",
        "Colab": "https://colab.research.google.com/github/test-owner/test-course"
        f"/blob/main/{notebook}",
    }
    assert errors == []  # the menu's logos are served by the site itself
    if chapter == CHAPTERS[1]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "launch_menu.png"))
    source = _hrefs(page, ".dropdown-source-buttons a")
    assert source[0] == REPO
    assert f"{REPO}/edit/main/{notebook}" in source
    assert any(h.startswith(f"{REPO}/issues/new") for h in source)


def test_launch_buttons_only_on_chapters(page, linked_site):
    """The prose pages (intro, guide) are not notebooks: no launch menu there."""
    page.goto(f"{linked_site}/book/intro.html")
    assert page.locator(".dropdown-launch-buttons").count() == 0
    assert _hrefs(page, ".dropdown-source-buttons a")[0] == REPO
