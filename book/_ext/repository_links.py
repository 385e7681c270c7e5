"""Sphinx extension: the repository link and the launch buttons, from where the site is built.

`_config.yml` configures the launch buttons (Binder, Colab, JupyterHub) but holds no
repository address: a course is cloned, forked and published under many addresses, and
Jupyter Book's default address is its own repository, so a button built from it would
open somebody else's notebooks. The address is found when the site is built:

1. ``COURSE_REPOSITORY_URL`` (``https://github.com/<owner>/<name>`` or the same on
   gitlab.com), for a build anywhere;
2. ``GITHUB_SERVER_URL`` / ``GITHUB_REPOSITORY``, set by GitHub Actions;
3. the ``origin`` remote of the git checkout, when it is on github.com or gitlab.com.

With an address, every chapter gets Binder and Colab buttons (and JupyterHub, when
``COURSE_JUPYTERHUB_URL`` names the institution's hub) and every page the repository,
issue and edit buttons, on the branch ``COURSE_REPOSITORY_BRANCH`` (default ``main``).
Without one (a local clone of a local clone), the site has none of these buttons rather
than wrong ones; the build log says so.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from urllib.parse import urlparse

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: hosts whose repositories Binder and the theme's buttons understand by owner/name
HOSTS = ("github.com", "gitlab.com")
#: launch-button keys that need a repository address
LAUNCHERS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "thebe")
REPOSITORY_BUTTONS = (
    "use_repository_button",
    "use_issues_button",
    "use_edit_page_button",
)
_NAME = r"[A-Za-z0-9_.-]+"


def normalise_remote(remote: str) -> str | None:
    """The ``https://host/owner/name`` address of a GitHub or GitLab git remote.

    Accepts the forms git prints for ``origin``: ``https://github.com/owner/name(.git)``,
    ``git@github.com:owner/name(.git)`` and ``ssh://git@github.com/owner/name(.git)``.
    Returns None for any other remote (a local path, another host).
    """
    remote = remote.strip()
    scp = re.fullmatch(rf"[\w.-]+@([\w.-]+):({_NAME})/({_NAME})/?", remote)
    if scp:
        host, owner, name = scp.groups()
    else:
        parsed = urlparse(remote)
        if parsed.scheme not in ("https", "http", "ssh", "git") or not parsed.hostname:
            return None
        parts = parsed.path.strip("/").split("/")
        if len(parts) != 2 or not all(re.fullmatch(_NAME, p) for p in parts):
            return None
        host, (owner, name) = parsed.hostname, parts
    name = name.removesuffix(".git")
    if host.lower() not in HOSTS or not name or name in (".", ".."):
        return None
    return f"https://{host.lower()}/{owner}/{name}"


def repository_url(environ: Mapping[str, str], origin: str | None) -> str | None:
    """The course repository's address for the buttons, or None (see the module docstring).

    Raises
    ------
    ValueError
        If ``COURSE_REPOSITORY_URL`` is set but is not a GitHub or GitLab repository.
    """
    explicit = environ.get("COURSE_REPOSITORY_URL", "").strip()
    if explicit:
        url = normalise_remote(explicit)
        if url is None:
            raise ValueError(
                "COURSE_REPOSITORY_URL must be https://github.com/<owner>/<name> or "
                f"https://gitlab.com/<owner>/<name>, got {explicit!r}"
            )
        return url
    if environ.get("GITHUB_REPOSITORY"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        url = normalise_remote(f"{server}/{environ['GITHUB_REPOSITORY']}")
        if url:
            return url
    return normalise_remote(origin) if origin else None


def jupyterhub_url(environ: Mapping[str, str]) -> str | None:
    """The JupyterHub of ``COURSE_JUPYTERHUB_URL`` (an https address), or None.

    Raises
    ------
    ValueError
        If ``COURSE_JUPYTERHUB_URL`` is set but is not an https address.
    """
    hub = environ.get("COURSE_JUPYTERHUB_URL", "").strip()
    if not hub:
        return None
    parsed = urlparse(hub)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ValueError(
            f"COURSE_JUPYTERHUB_URL must be an https:// address, got {hub!r}"
        )
    return hub.rstrip("/")


def theme_options(
    options: Mapping, environ: Mapping[str, str], origin: str | None
) -> tuple[dict, str | None]:
    """``html_theme_options`` with the repository and launch settings filled in.

    Returns the new options and the repository address (None: buttons removed).
    """
    options = dict(options)
    launch = dict(options.get("launch_buttons") or {})
    url = repository_url(environ, origin)
    if url is None:
        for key in LAUNCHERS:
            launch.pop(key, None)
        options.pop("repository_url", None)
        options.update(dict.fromkeys(REPOSITORY_BUTTONS, False))
    else:
        hub = jupyterhub_url(environ)
        if hub:
            launch["jupyterhub_url"] = hub
        if "colab_url" in launch and not url.startswith("https://github.com/"):
            launch.pop("colab_url")  # Colab opens notebooks from GitHub only
        branch = environ.get("COURSE_REPOSITORY_BRANCH", "").strip() or "main"
        options.update(
            repository_url=url,
            repository_branch=branch,
            path_to_docs="",
            **dict.fromkeys(REPOSITORY_BUTTONS, True),
        )
    options["launch_buttons"] = launch
    return options, url


def _origin(directory: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", directory, "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _configure(app, config):
    options, url = theme_options(
        config.html_theme_options, os.environ, _origin(app.confdir)
    )
    config.html_theme_options = options
    if url:
        LOGGER.info(f"repository and launch buttons: {url}")
    else:
        LOGGER.info(
            "repository and launch buttons: off (no GitHub/GitLab remote; "
            "set COURSE_REPOSITORY_URL to turn them on)"
        )


def setup(app):
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
