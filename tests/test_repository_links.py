"""The site's repository address and launch buttons (book/_ext/repository_links.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "repository_links", ROOT / "book" / "_ext" / "repository_links.py"
)
links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(links)

REPO = "https://github.com/test-owner/test-course"


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/test-owner/test-course",
        "https://github.com/test-owner/test-course.git",
        "https://github.com/test-owner/test-course/",
        "git@github.com:test-owner/test-course.git",
        "git@github.com:test-owner/test-course",
        "ssh://git@github.com/test-owner/test-course.git",
        "  https://GitHub.com/test-owner/test-course.git\n",
    ],
)
def test_normalise_remote_github_forms(remote):
    assert links.normalise_remote(remote) == REPO


def test_normalise_remote_gitlab():
    assert (
        links.normalise_remote("git@gitlab.com:lab/omics-course.git")
        == "https://gitlab.com/lab/omics-course"
    )


@pytest.mark.parametrize(
    "remote",
    [
        "/work/main",  # a local clone of a local clone
        "file:///srv/git/course.git",
        "../course",
        "https://example.org/owner/course",  # not a host the buttons understand
        "https://github.com/test-owner",  # no repository name
        "https://github.com/a/b/c",
        "https://github.com/test-owner/.git",
        "",
    ],
)
def test_normalise_remote_other_remotes(remote):
    assert links.normalise_remote(remote) is None


def test_repository_url_order():
    actions = {"GITHUB_REPOSITORY": "ci-owner/ci-course"}
    origin = "git@github.com:origin-owner/course.git"
    explicit = {"COURSE_REPOSITORY_URL": REPO, **actions}
    assert links.repository_url(explicit, origin) == REPO
    assert (
        links.repository_url(actions, origin) == "https://github.com/ci-owner/ci-course"
    )
    assert links.repository_url({}, origin) == "https://github.com/origin-owner/course"
    assert links.repository_url({}, "/work/main") is None
    assert links.repository_url({}, None) is None


def test_repository_url_github_enterprise_falls_back_to_origin():
    env = {"GITHUB_SERVER_URL": "https://git.corp.test", "GITHUB_REPOSITORY": "a/b"}
    assert links.repository_url(env, None) is None
    assert links.repository_url(env, REPO + ".git") == REPO


@pytest.mark.parametrize("bad", ["github.com/a/b", "https://example.org/a/b", "/work"])
def test_repository_url_rejects_bad_explicit_address(bad):
    with pytest.raises(ValueError, match="COURSE_REPOSITORY_URL"):
        links.repository_url({"COURSE_REPOSITORY_URL": bad}, REPO)


def test_jupyterhub_url():
    assert links.jupyterhub_url({}) is None
    env = {"COURSE_JUPYTERHUB_URL": "https://hub.uni.test/"}
    assert links.jupyterhub_url(env) == "https://hub.uni.test"
    for bad in ("http://hub.uni.test", "hub.uni.test", "https://"):
        with pytest.raises(ValueError, match="COURSE_JUPYTERHUB_URL"):
            links.jupyterhub_url({"COURSE_JUPYTERHUB_URL": bad})


CONFIGURED = {
    "launch_buttons": {
        "notebook_interface": "jupyterlab",
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
    },
    "repository_url": "https://github.com/executablebooks/jupyter-book",
}


def test_theme_options_without_repository_removes_every_button():
    options, url = links.theme_options(CONFIGURED, {}, "/work/main")
    assert url is None
    assert options["launch_buttons"] == {"notebook_interface": "jupyterlab"}
    assert "repository_url" not in options  # never Jupyter Book's own repository
    assert not any(options[b] for b in links.REPOSITORY_BUTTONS)
    assert CONFIGURED["launch_buttons"]["binderhub_url"]  # the input is not changed


def test_theme_options_with_repository():
    env = {
        "COURSE_REPOSITORY_URL": REPO,
        "COURSE_JUPYTERHUB_URL": "https://hub.uni.test",
        "COURSE_REPOSITORY_BRANCH": "workshop-2027",
    }
    options, url = links.theme_options(CONFIGURED, env, None)
    assert url == options["repository_url"] == REPO
    assert options["repository_branch"] == "workshop-2027"
    assert options["launch_buttons"] == {
        **CONFIGURED["launch_buttons"],
        "jupyterhub_url": "https://hub.uni.test",
    }
    assert all(options[b] for b in links.REPOSITORY_BUTTONS)


def test_theme_options_gitlab_has_no_colab_button():
    options, _ = links.theme_options(CONFIGURED, {}, "https://gitlab.com/lab/course")
    assert "colab_url" not in options["launch_buttons"]
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert options["repository_branch"] == "main"
