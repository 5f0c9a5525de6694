"""The subcommands; importing this package registers them with the CLI."""
from . import demo, listing, simulate  # noqa: F401
