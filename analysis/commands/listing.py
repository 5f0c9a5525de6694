"""mechanisms, causes: print the catalogue as a table."""
from __future__ import annotations

from argparse import Namespace

from ..cli import add_catalogue_option
from . import common


def _arguments(parser):
    add_catalogue_option(parser)


def _show(args, kind):
    from ..catalogue import format_listing, listing
    print(format_listing(listing(common.catalogue(args), kind)))


def mechanisms(args: Namespace) -> int | None:
    """Name, level, targets, healthy value, plausible range and sources of each mechanism."""
    _show(args, "mechanisms")


def causes(args: Namespace) -> int | None:
    """Name, mechanisms with strengths, inputs and sources of each cause."""
    _show(args, "causes")


mechanisms.arguments = _arguments
causes.arguments = _arguments
