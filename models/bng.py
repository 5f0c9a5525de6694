"""Find BioNetGen's BNG2.pl without the user doing anything.

Order: a BNGPATH the user set (must contain BNG2.pl), then the copy shipped by
the PyPI package ``bionetgen`` for this platform. The path found is exported
as BNGPATH so PySB uses it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

INSTALL_HINT = ("BioNetGen (BNG2.pl) not found: run `make install` (it installs the "
                "PyPI package 'bionetgen', which ships BNG2.pl) or set BNGPATH to a "
                "folder holding BNG2.pl")


class BioNetGenNotFound(RuntimeError):
    """BNG2.pl is nowhere to be found; the message says how to install it."""


def _platform_folder():
    if sys.platform.startswith("darwin"):
        return "bng-mac"
    if sys.platform.startswith("win"):
        return "bng-win"
    return "bng-linux"


def find_bng() -> str:
    """Return the folder holding BNG2.pl and set BNGPATH to it."""
    user = os.environ.get("BNGPATH")
    if user:
        if (Path(user) / "BNG2.pl").is_file():
            return user
        raise BioNetGenNotFound(f"BNGPATH={user} holds no BNG2.pl; unset it or point it "
                                "to a BioNetGen folder")
    try:
        import bionetgen
    except ImportError as exc:
        raise BioNetGenNotFound(INSTALL_HINT) from exc
    folder = Path(bionetgen.__file__).parent / _platform_folder()
    if not (folder / "BNG2.pl").is_file():
        raise BioNetGenNotFound(INSTALL_HINT)
    os.environ["BNGPATH"] = str(folder)
    return str(folder)
