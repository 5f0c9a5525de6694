"""The subcommands; importing this package registers them with the CLI."""
from . import compensate, demo, doseresponse, listing, report, scan, simulate  # noqa: F401
