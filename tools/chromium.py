#!/usr/bin/env python3
"""Find (and, where it can, install) the Chromium that the browser tests drive.

Usage: python3 tools/chromium.py [--install]

Prints the browser's path and exits 0 when one is found. Otherwise, with ``--install``
on Debian or Ubuntu as root, installs the distribution's ``chromium`` package and looks
again. When there is still none it prints one line saying what to install and exits 1,
so that `make test` runs everything else and says the browser tests were not run; under
``CI=true`` a missing browser is a failure (exit 2). Standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MAC_APPS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
HOW_TO = (
    "Chromium not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`; "
    "macOS: `brew install --cask chromium`) or set CHROMIUM=/path/to/chrome"
)


def find(environ=os.environ) -> str | None:
    """The path of a Chromium or Chrome executable, or ``None``.

    ``CHROMIUM`` (a path or a command name) wins over the usual names.
    """
    wanted = environ.get("CHROMIUM")
    search = environ.get("PATH")
    for name in (wanted, *NAMES):
        found = shutil.which(name, path=search) if name else None
        if found:
            return found
    if wanted and Path(wanted).is_file():
        return wanted
    return next((app for app in MAC_APPS if Path(app).is_file()), None)


def can_install() -> bool:
    """Root on a Debian-like system with apt-get."""
    return (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
        and Path("/etc/debian_version").exists()
    )


def install() -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("installing Debian's chromium (apt-get) for the browser tests", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False
    )


def main(argv: list[str]) -> int:
    path = find()
    if path is None and "--install" in argv and can_install():
        install()
        path = find()
    if path is not None:
        print(f"browser tests use {path}")
        return 0
    print(HOW_TO)
    return 2 if os.environ.get("CI", "").lower() == "true" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
